/**
 * Progress in a real terminal (a tmux pane): per-stage unit counts, elapsed time and an ETA, finished
 * units kept on screen, a stage that waits shown as waiting; and Ctrl-C typed into that terminal exits
 * 130 with the documented message (listr2's own handler would exit 127).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPE_BIN, Project, waitFor } from './rig.js';
import { shellPipeline } from './shell-pipeline.js';

const socket = `pipe-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

test('a terminal shows counts, elapsed time and ETA; Ctrl-C exits 130 with the message', { timeout: 240_000 }, async (t) => {
  const p = new Project({ 'pipeline.yaml': shellPipeline({ slow: true }), 'input.txt': 'x\n' });
  // b and c sleep 20 s: the stage is mid-way, with finished units, when Ctrl-C comes
  p.write('slow-b', '');
  p.write('slow-c', '');
  t.after(() => {
    try {
      tmux('kill-server');
    } catch {
      // no server left
    }
    p.cleanup();
  });
  const rc = join(p.dir, 'rc');
  // env -u CI: the rig's CI=true would force plain lines
  tmux(
    'new-session',
    '-d',
    '-s',
    'run',
    '-x',
    '160',
    '-y',
    '50',
    `cd ${p.dir} && env -u CI ${process.execPath} ${PIPE_BIN} run --jobs 2; echo $? > ${rc}; sleep 600`,
  );
  const screen = () => tmux('capture-pane', '-p', '-t', 'run');
  await waitFor(() => /train — [12]\/4 units done · [\d.]+ s · ETA [\d.]+ s/.test(screen()), 'train with a count and an ETA', 120_000);
  const s = screen();
  assert.match(s, /✔ prep ran in [\d.]+ s/);
  assert.match(s, /✔ a: done in [\d.]+ s/, 'a finished unit stays listed');
  assert.match(s, /▸ b: started/);
  assert.match(s, /◼ report — waiting/, 'report waits for train, shown as waiting');
  tmux('send-keys', '-t', 'run', 'C-c');
  await waitFor(() => existsSync(rc) && readFileSync(rc, 'utf8').trim() !== '', 'pipe to exit', 60_000);
  assert.equal(readFileSync(rc, 'utf8').trim(), '130', screen());
  assert.match(screen(), /error: interrupted during train; finished units are cached/);
});
