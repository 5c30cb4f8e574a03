/**
 * `pipe ui [--port N] [--host 127.0.0.1]`: serves the dashboard until Ctrl-C. It only reads .pipe/runs
 * and the lock, so it runs beside `pipe run` in another terminal (or while CI runs in the project).
 * `pipe run --ui` starts the same server inside the run's own process (serveDashboard).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PipeError } from '../../failure/pipe-error.js';
import { lockPathFor } from '../../cache/lock-file.js';
import { projectPaths } from '../../runner/project.js';
import { startDashboard, type Dashboard } from '../../ui/dashboard-server.js';

export interface UiFlags {
  config: string;
  port?: string;
  host: string;
}

export function parsePort(v: string | undefined, flag: string): number {
  const port = v === undefined ? 0 : Number(v);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new PipeError('usage', `${flag} ${v}: expected a port number from 0 to 65535 (0: a free one)`);
  return port;
}

/** The dashboard over the project of `config` (relative to the working folder), with a user error for a port it cannot take. */
export async function serveDashboard(config: string, host: string, port: number, flag = '--port'): Promise<Dashboard> {
  const configFile = join(process.cwd(), config);
  const paths = projectPaths(configFile);
  try {
    return await startDashboard({
      pipeDir: paths.pipeDir,
      cacheDir: paths.cache,
      lockPath: lockPathFor(configFile),
      projectDir: join(configFile, '..'),
      title: config,
      host,
      port,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      throw new PipeError('usage', `cannot listen on ${host}:${port} (${e.code})`, { hint: `leave out ${flag} to get a free one, or pick another` });
    }
    throw err;
  }
}

/** Opens `url` in the desktop's browser where there is one (not under CI, not without a display); any failure is ignored. */
export function openBrowser(url: string): boolean {
  if (process.env.CI || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) || process.platform !== 'linux') return false;
  try {
    const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

export async function uiCommand(flags: UiFlags, signal: AbortSignal): Promise<number> {
  const ui = await serveDashboard(flags.config, flags.host, parsePort(flags.port, '--port'));
  process.stdout.write(`pipe ui: ${ui.url} (read-only; Ctrl-C stops it)\n`);
  await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
  await ui.close();
  return 0;
}
