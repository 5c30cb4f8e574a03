/**
 * The append-only event log of one run: .pipe/runs/<id>.jsonl. Each event is one line written with one
 * write(2) on a file opened for appending, so a reader (another terminal, the dashboard) sees whole lines
 * and a `kill -9` leaves at most an unfinished last line, which readers skip. Nothing is ever rewritten:
 * history is kept by never deleting a log (`pipe gc` leaves .pipe/runs alone).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunEvent } from './run-events.js';

export function runsDir(pipeDir: string): string {
  return join(pipeDir, 'runs');
}

/** A sortable id: UTC time to the second, then 4 random hex digits (two runs in one second differ). */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${randomBytes(2).toString('hex')}`;
}

export class RunLogWriter {
  private fd: number | undefined;
  readonly file: string;

  constructor(dir: string, id: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${id}.jsonl`);
    // 'ax': a new file, appended to; an id collision is a bug, not something to overwrite
    this.fd = openSync(this.file, 'ax');
  }

  append(event: RunEvent): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Complete lines of `text` parsed; an unfinished or garbled line (a killed writer) is skipped. */
export function parseEvents(text: string): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as RunEvent);
    } catch {
      // an unfinished line: the writer was killed mid-write
    }
  }
  return out;
}

export function readRunLog(file: string): RunEvent[] {
  return parseEvents(readFileSync(file, 'utf8'));
}

/** Events appended since `offset` (bytes), up to the last complete line, and the offset to continue from. */
export async function readNewEvents(file: string, offset: number): Promise<{ events: RunEvent[]; offset: number }> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size <= offset) return { events: [], offset };
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) return { events: [], offset };
    return { events: parseEvents(buf.subarray(0, end + 1).toString('utf8')), offset: offset + end + 1 };
  } finally {
    await fh.close();
  }
}

/** Run ids in the project, oldest first. */
export function listRunIds(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .sort();
}
