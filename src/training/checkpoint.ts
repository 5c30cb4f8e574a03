// One file per training, replaced atomically after every epoch: a JSON header (epoch, RNG state, history,
// scheduler and early-stopping state) followed by the float32 tensors it lists (model weights, optimizer
// slots, best weights). A SIGKILL at any moment leaves the previous epoch's checkpoint intact.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import type { PlateauState } from './schedules.js';

const MAGIC = 'PIPE-CKPT-1\n';
export const CHECKPOINT_FILE = 'checkpoint.bin';

export interface CheckpointState {
  /** Identifies config + data shapes; a checkpoint for anything else is ignored. */
  key: string;
  epochsDone: number;
  rng: number;
  optimizerStep: number;
  history: { train: number[]; val: number[]; lr: number[]; monitor?: number[] };
  plateau: PlateauState;
  early: { best: number; bestEpoch: number; wait: number };
  seconds: number;
  finished: 'complete' | 'stopped' | 'pruned' | null;
}

export interface Checkpoint {
  state: CheckpointState;
  weights: Float32Array[];
  slots: Float32Array[];
  best: Float32Array[];
}

interface Header {
  state: CheckpointState;
  groups: { weights: number[]; slots: number[]; best: number[] };
}

// JSON has no Infinity/NaN (a fresh "best so far" is Infinity); they travel as tagged strings.
const NON_FINITE: Record<string, number> = { '#Infinity': Infinity, '#-Infinity': -Infinity, '#NaN': NaN };
const keepNonFinite = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? `#${v}` : v);
const restoreNonFinite = (_k: string, v: unknown): unknown => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v);

export async function writeCheckpoint(dir: string, ckpt: Checkpoint): Promise<void> {
  const header: Header = {
    state: ckpt.state,
    groups: { weights: ckpt.weights.map((a) => a.length), slots: ckpt.slots.map((a) => a.length), best: ckpt.best.map((a) => a.length) },
  };
  const json = Buffer.from(MAGIC + JSON.stringify(header, keepNonFinite), 'utf8');
  const headerBytes = 4 + json.length;
  const dataStart = Math.ceil(headerBytes / 4) * 4;
  const all = [...ckpt.weights, ...ckpt.slots, ...ckpt.best];
  const floats = all.reduce((s, a) => s + a.length, 0);
  const buf = new Uint8Array(dataStart + floats * 4);
  new DataView(buf.buffer).setUint32(0, json.length, true);
  buf.set(json, 4);
  const f32 = new Float32Array(buf.buffer, dataStart, floats);
  let at = 0;
  for (const a of all) {
    f32.set(a, at);
    at += a.length;
  }
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), buf);
}

/**
 * The checkpoint in `dir`, or null when there is none or it belongs to another configuration. A damaged one
 * (truncated by a full disk, edited) is discarded with a warning: the training restarts from epoch 0.
 */
export async function readCheckpoint(
  dir: string,
  key: string,
  warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`),
): Promise<Checkpoint | null> {
  try {
    return await parseCheckpoint(dir, key);
  } catch (err) {
    if (!(err instanceof CorruptCheckpoint)) throw err;
    warn(`${err.message}; discarded, the training restarts from its first epoch`);
    await rm(join(dir, CHECKPOINT_FILE), { force: true });
    return null;
  }
}

class CorruptCheckpoint extends Error {}

async function parseCheckpoint(dir: string, key: string): Promise<Checkpoint | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, CHECKPOINT_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const path = join(dir, CHECKPOINT_FILE);
  const corrupt = (why: string): Error => new CorruptCheckpoint(`${path} is not a valid pipe training checkpoint (${why})`);
  if (bytes.length < 4 + MAGIC.length) throw corrupt('too short');
  const jsonLen = bytes.readUInt32LE(0);
  const text = bytes.subarray(4, 4 + jsonLen).toString('utf8');
  if (!text.startsWith(MAGIC)) throw corrupt('no checkpoint header');
  if (bytes.length < 4 + jsonLen) throw corrupt('truncated header');
  let header: Header;
  try {
    header = JSON.parse(text.slice(MAGIC.length), restoreNonFinite) as Header;
  } catch (err) {
    throw corrupt((err as Error).message);
  }
  if (typeof header?.state?.key !== 'string' || !header.groups) throw corrupt('incomplete header');
  if (header.state.key !== key) return null;
  const dataStart = Math.ceil((4 + jsonLen) / 4) * 4;
  const floats = Math.floor((bytes.length - dataStart) / 4);
  if (floats < 0 || bytes.length !== dataStart + floats * 4) throw corrupt('truncated data');
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + dataStart + floats * 4) as ArrayBuffer);
  let at = 0;
  const take = (lengths: number[]): Float32Array[] =>
    lengths.map((n) => {
      const a = data.slice(at, at + n);
      at += n;
      return a;
    });
  const weights = take(header.groups.weights);
  const slots = take(header.groups.slots);
  const best = take(header.groups.best);
  if (at !== data.length) throw corrupt(`${data.length} floats stored, header lists ${at}`);
  return { state: header.state, weights, slots, best };
}
