/**
 * The size+mtime hash memo follows git's index rule: an edit is seen even when its size is the same and
 * its mtime was set back, because the ctime (which no one can set back) and the inode are compared too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatCache } from '../../src/cache/stat-cache.js';
import { hashFile } from '../../src/cache/hash.js';

test('a same-size edit with its mtime restored is re-hashed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-stat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'data.bin');
  writeFileSync(f, 'aaaa');
  const old = new Date(Date.now() - 3600_000);
  utimesSync(f, old, old);
  const memo = join(dir, 'hashes.json');
  const first = new StatCache(memo);
  assert.equal(await first.hash(f), await hashFile(f));
  await first.save();
  await new Promise((r) => setTimeout(r, 20)); // a ctime the clock can tell apart
  writeFileSync(f, 'bbbb');
  utimesSync(f, old, old);
  assert.equal(Math.round(statSync(f).mtimeMs), old.getTime(), 'the mtime is the recorded one again');
  const second = new StatCache(memo);
  assert.equal(await second.hash(f), await hashFile(f), 'the new bytes are hashed, not the memo returned');
});

test('an unchanged file keeps its recorded hash across processes (the memo is used)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pipe-stat-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'w.bin');
  writeFileSync(f, 'weights');
  const old = new Date(Date.now() - 3600_000);
  utimesSync(f, old, old);
  const memo = join(dir, 'hashes.json');
  const a = new StatCache(memo);
  const h = await a.hash(f);
  await a.save();
  // a memo entry for the same stat data but another hash is returned as is: proof the file was not read
  const b = new StatCache(memo);
  (b as unknown as { memo: Record<string, { hash: string }> }).memo[f]!.hash = 'from-the-memo';
  assert.equal(await b.hash(f), 'from-the-memo');
  assert.notEqual(h, 'from-the-memo');
});
