/**
 * `pipe ui [--port N] [--host 127.0.0.1]`: serves the dashboard until Ctrl-C. It only reads .pipe/runs
 * and the lock, so it runs beside `pipe run` in another terminal (or while CI runs in the project).
 */
import { join } from 'node:path';
import { PipeError } from '../../failure/pipe-error.js';
import { lockPathFor } from '../../cache/lock-file.js';
import { startDashboard } from '../../ui/dashboard-server.js';
import { pipeDirOf } from './runs.js';

export interface UiFlags {
  config: string;
  port?: string;
  host: string;
}

export async function uiCommand(flags: UiFlags, signal: AbortSignal): Promise<number> {
  const port = flags.port === undefined ? 0 : Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new PipeError('usage', `--port ${flags.port}: expected a port number from 0 to 65535 (0: a free one)`);
  const configFile = join(process.cwd(), flags.config);
  let ui;
  try {
    ui = await startDashboard({
      pipeDir: pipeDirOf(flags.config),
      lockPath: lockPathFor(configFile),
      projectDir: join(configFile, '..'),
      title: flags.config,
      host: flags.host,
      port,
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      throw new PipeError('usage', `cannot listen on ${flags.host}:${port} (${e.code})`, { hint: 'leave out --port to get a free one, or pick another' });
    }
    throw err;
  }
  process.stdout.write(`pipe ui: ${ui.url} (read-only; Ctrl-C stops it)\n`);
  await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
  await ui.close();
  return 0;
}
