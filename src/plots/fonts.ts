import { createRequire } from 'node:module';
import path from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

/** Family name every chart and heatmap uses. */
export const FONT_FAMILY = 'DejaVu Sans';

let registered = false;

/**
 * Registers the DejaVu Sans TTFs shipped by the `dejavu-fonts-ttf` npm package. A fresh machine with only
 * Node and npm may have no system fonts at all, and Skia then draws every glyph as a box; shipping the
 * font as a dependency makes labels readable everywhere and the PNGs identical across machines.
 */
export function ensureFonts(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  for (const file of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) {
    const ok = GlobalFonts.registerFromPath(path.join(dir, file), FONT_FAMILY);
    if (!ok) {
      throw new Error(`could not register font ${path.join(dir, file)}: reinstall dependencies with \`npm install\``);
    }
  }
  registered = true;
}
