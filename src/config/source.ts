/**
 * pipeline.yaml as parsed text: the YAML document plus a line counter, so any path in the config can be
 * turned back into file:line:col for error messages.
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { PipeError, type SourceLocation } from '../failure/pipe-error.js';

export type ConfigPath = (string | number)[];

export interface ConfigSource {
  file: string;
  /** the name shown in messages (relative to the working directory) */
  displayName: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

export function readConfigSource(file: string, displayName: string): ConfigSource {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    bytes = readFileSync(file);
  } catch (err) {
    throw new PipeError('config-invalid', `cannot read ${displayName}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      hint: 'run pipe in a folder holding pipeline.yaml, or pass --config <file>',
    });
  }
  return parseConfigText(decodeUtf8(bytes, displayName), file, displayName);
}

/** The file's text; bytes that are not UTF-8 are an error at their line and column, never replaced silently. */
export function decodeUtf8(bytes: Uint8Array, displayName: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return new TextDecoder('utf-8').decode(bytes);
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
  const line = before.split('\n').length;
  const col = before.length - before.lastIndexOf('\n');
  const text = before.slice(before.lastIndexOf('\n') + 1);
  throw new PipeError('config-invalid', `the file is not valid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')})`, {
    location: { file: displayName, line, col, text, length: 1 },
    hint: 'save it as UTF-8 (e.g. iconv -f latin1 -t utf-8 pipeline.yaml)',
  });
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n = 0;
    let min = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) (n = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (n = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (n = 3), (min = 0x10000);
    else return i;
    let cp = n === 0 ? c : c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (n > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) return i;
    i += n + 1;
  }
  return -1;
}

export function parseConfigText(text: string, file: string, displayName: string): ConfigSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src: ConfigSource = { file, displayName, text, doc, lines };
  const first = doc.errors[0];
  if (first) {
    const loc = locationAtOffset(src, first.pos[0], Math.max(1, first.pos[1] - first.pos[0]));
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new PipeError('config-invalid', `YAML syntax: ${message}`, {
      location: loc,
      hint: 'fix the YAML syntax (indentation with spaces, "key: value", quotes closed)',
    });
  }
  return src;
}

export function locationAtOffset(src: ConfigSource, offset: number, length = 1): SourceLocation {
  const pos = src.lines.linePos(offset);
  const text = src.text.split(/\r?\n/)[pos.line - 1] ?? '';
  return { file: src.displayName, line: pos.line, col: pos.col, text, length: Math.max(1, Math.min(length, text.length - pos.col + 1)) };
}

/** The node at a path, or the deepest existing ancestor (with how deep it got). */
export function nodeAt(src: ConfigSource, path: ConfigPath): { node: Node | undefined; depth: number; keyNode?: Node } {
  let node: unknown = src.doc.contents;
  let keyNode: Node | undefined;
  let depth = 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === seg || String((p.key as { value?: unknown })?.value) === String(seg));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      keyNode = undefined;
      node = node.items[seg];
    } else break;
    depth++;
  }
  return { node: (node ?? undefined) as Node | undefined, depth, keyNode };
}

/** Does the document define exactly this path? */
export function hasPath(src: ConfigSource, path: ConfigPath): boolean {
  return nodeAt(src, path).depth === path.length;
}

/** Location of a path: its value (or key, for a key problem); the nearest ancestor when it is absent. */
export function locate(src: ConfigSource, path: ConfigPath, preferKey = false): SourceLocation {
  const { node, keyNode, depth } = nodeAt(src, path);
  const target = (preferKey || depth < path.length) && keyNode ? keyNode : node ?? keyNode;
  const range = (target as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return { file: src.displayName, line: 1, col: 1 };
  return locationAtOffset(src, range[0], range[1] - range[0]);
}
