/**
 * The dashboard's server: Node's own http module (a handful of read-only GET routes need no framework),
 * on the loopback by default. It serves the page (src/ui/public, plain files: no build step), Chart.js
 * from node_modules (the machine may be offline), the run history as JSON, and a server-sent-event
 * stream that pushes a run's folded state whenever its event log grows — so a run started in another
 * terminal, or by CI in the same project, shows up and updates live.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { packageRoot } from '../package-root.js';
import { foldRun, type RunState } from '../runs/run-state.js';
import { listRunIds, readNewEvents, runsDir } from '../runs/run-log.js';
import type { RunEvent } from '../runs/run-events.js';
import { comparableLock, comparableRun, runIsAlive, type ComparableRun } from '../runs/run-history.js';
import { compareRuns } from '../runs/run-compare.js';
import { committedLock } from '../runs/committed-lock.js';
import { runSummary } from '../runs/run-summary.js';
import { BaselineReader, type DashboardRun } from './unit-baselines.js';

export interface DashboardOptions {
  pipeDir: string;
  /** the cache the runs' units were committed to (the learning curves' baselines are read from it) */
  cacheDir?: string;
  /** the lock `lock` means in the compare view */
  lockPath: string;
  projectDir: string;
  title: string;
  host: string;
  port: number;
  /** how often the runs folder is looked at (ms) */
  pollMs?: number;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Every run's events, read incrementally: only what was appended since the last look is parsed. */
class RunCache {
  private logs = new Map<string, { offset: number; events: RunEvent[] }>();
  constructor(private readonly pipeDir: string) {}

  /** Reads what was appended; returns the ids whose logs grew. */
  async refresh(): Promise<string[]> {
    const grown: string[] = [];
    for (const id of listRunIds(runsDir(this.pipeDir))) {
      const file = join(runsDir(this.pipeDir), `${id}.jsonl`);
      const entry = this.logs.get(id) ?? { offset: 0, events: [] };
      if (statSync(file).size === entry.offset && this.logs.has(id)) continue;
      const next = await readNewEvents(file, entry.offset);
      this.logs.set(id, { offset: next.offset, events: entry.events.concat(next.events) });
      if (next.events.length || !entry.offset) grown.push(id);
    }
    return grown;
  }

  run(id: string): RunState | undefined {
    const e = this.logs.get(id);
    return e ? foldRun(e.events, runIsAlive(this.pipeDir)) : undefined;
  }

  runs(): RunState[] {
    return [...this.logs.keys()]
      .sort()
      .map((id) => this.run(id))
      .filter((r): r is RunState => !!r);
  }
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const publicDir = join(packageRoot(), 'src', 'ui', 'public');
  const chartJs = join(createRequire(join(packageRoot(), 'package.json')).resolve('chart.js'), '..', 'chart.umd.js');
  const cache = new RunCache(o.pipeDir);
  const baselines = new BaselineReader(o.cacheDir);
  const withBaselines = (r: RunState | undefined): DashboardRun | undefined => (r ? baselines.add(r) : undefined);
  await cache.refresh();
  const clients = new Set<ServerResponse>();
  // A run that is still running can turn into an interrupted one without writing anything (kill -9):
  // its state is pushed again on every look until it is no longer running.
  const live = new Set<string>(
    cache
      .runs()
      .filter((r) => r.status === 'running')
      .map((r) => r.id),
  );

  const push = (res: ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const summaries = () => {
    const runs = cache.runs();
    return runs.map((r, i) => runSummary(r, runs[i - 1]));
  };
  let looking: Promise<void> = Promise.resolve();
  const look = () =>
    (looking = looking.then(async () => {
      const grown = await cache.refresh();
      const changed = new Set([...grown, ...live]);
      if (!changed.size) return;
      const states = [...changed].map((id) => withBaselines(cache.run(id))).filter((r): r is DashboardRun => !!r);
      for (const s of states) s.status === 'running' ? live.add(s.id) : live.delete(s.id);
      if (!clients.size) return;
      const list = summaries();
      for (const c of clients) {
        push(c, 'runs', list);
        for (const s of states) push(c, 'run', s);
      }
    }));
  const poll = setInterval(() => void look().catch(() => undefined), o.pollMs ?? 250);

  const side = (ref: string): ComparableRun | undefined => {
    if (ref === 'lock') {
      const lock = committedLock(o.lockPath, o.projectDir);
      return lock ? comparableLock(lock) : undefined;
    }
    const r = cache.run(ref);
    return r ? comparableRun(r) : undefined;
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // Read-only, and only for pages served from this address (a page elsewhere cannot use DNS rebinding to read it).
    const host = req.headers.host ?? '';
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'read-only' });
    if (!/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host) && o.host !== '0.0.0.0' && !host.startsWith(`${o.host}:`))
      return json(res, 403, { error: 'unexpected Host header' });
    const url = new URL(req.url ?? '/', 'http://local');
    const p = url.pathname;
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:");
    if (p === '/api/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      push(res, 'runs', summaries());
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (p === '/api/runs') return json(res, 200, { title: o.title, runs: summaries() });
    const runMatch = /^\/api\/runs\/([\w-]+)$/.exec(p);
    if (runMatch) {
      const r = withBaselines(cache.run(runMatch[1]!));
      return r ? json(res, 200, r) : json(res, 404, { error: `no run ${runMatch[1]}` });
    }
    if (p === '/api/compare') {
      const a = url.searchParams.get('a') ?? '';
      const b = url.searchParams.get('b') ?? '';
      const sa = side(a);
      const sb = side(b);
      if (!sa || !sb) return json(res, 404, { error: `no run ${!sa ? a : b}` });
      const curves = (ref: string) => {
        const r = ref === 'lock' ? undefined : cache.run(ref);
        return Object.fromEntries(
          (r?.stages ?? []).flatMap((s) => s.units.filter((u) => u.epochs.length).map((u) => [`${s.name}/${u.id}`, u.epochs.map((e) => e.val)])),
        );
      };
      return json(res, 200, { comparison: compareRuns(sa, sb), curves: { old: curves(a), new: curves(b) } });
    }
    const file = p === '/' ? 'index.html' : p === '/vendor/chart.umd.js' ? chartJs : p.slice(1);
    const path = file === chartJs ? chartJs : join(publicDir, file);
    if (file !== chartJs && (!/^[\w-]+\.(html|js|css)$/.test(file) || !existsSync(path))) return json(res, 404, { error: 'not found' });
    res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(path));
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      // a port it cannot take: nothing may keep the process alive (pipe run --ui exits with the usage error)
      clearInterval(poll);
      reject(err);
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: async () => {
      clearInterval(poll);
      // what was written last (the run's end, when `pipe run --ui` stops it) still reaches the pages
      await look().catch(() => undefined);
      for (const c of clients) c.end();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
