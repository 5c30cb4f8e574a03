/**
 * End-to-end rig: writes a temporary project, runs the built `pipe` binary in it, and counts how often
 * each unit ran (shell stages append a line to counts/<name> each time they execute).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PIPE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

export interface PipeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class Project {
  readonly dir: string;
  constructor(files: Record<string, string> = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'pipe-test-'));
    mkdirSync(join(this.dir, 'counts'));
    for (const [f, text] of Object.entries(files)) this.write(f, text);
  }

  write(file: string, text: string): void {
    mkdirSync(dirname(join(this.dir, file)), { recursive: true });
    writeFileSync(join(this.dir, file), text);
  }

  read(file: string): string {
    return readFileSync(join(this.dir, file), 'utf8');
  }

  exists(file: string): boolean {
    return existsSync(join(this.dir, file));
  }

  rm(file: string): void {
    rmSync(join(this.dir, file), { recursive: true, force: true });
  }

  /** how many times the unit named `name` executed */
  count(name: string): number {
    const f = join(this.dir, 'counts', name);
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0;
  }

  counts(): Record<string, number> {
    return Object.fromEntries(
      readdirSync(join(this.dir, 'counts'))
        .sort()
        .map((n) => [n, this.count(n)]),
    );
  }

  run(args: string[], env: NodeJS.ProcessEnv = {}): PipeResult {
    const r = spawnSync(process.execPath, [PIPE_BIN, ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', ...env },
      timeout: 300_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** run with --json and return the parsed summary */
  runJson(
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ): { result: PipeResult; stages: Record<string, { status: string; units: { ran: number; reused: number } }> } {
    const result = this.run([...args, '--json'], env);
    const last = result.stdout.trim().split('\n').pop() ?? '{}';
    let parsed: { stages?: { name: string; status: string; units: { ran: number; reused: number } }[] } = {};
    try {
      parsed = JSON.parse(last);
    } catch {
      throw new Error(`pipe ${args.join(' ')} printed no JSON summary (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
    return { result, stages: Object.fromEntries((parsed.stages ?? []).map((s) => [s.name, s])) };
  }

  spawn(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { output: () => string } {
    const child = spawn(process.execPath, [PIPE_BIN, ...args], {
      cwd: this.dir,
      env: { ...process.env, CI: 'true', ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    return Object.assign(child, { output: () => out });
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}
