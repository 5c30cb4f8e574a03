/**
 * Redis connections for the BullMQ executor and `pipe worker`: one place that builds them (BullMQ 6 takes
 * constructed ioredis clients), fails fast when Redis is unreachable, and prints a URL without its password.
 */
import { Redis } from 'ioredis';
import { PipeError } from '../failure/pipe-error.js';

export const QUEUE_NAME = 'pipe-units';

/** The URL as it may be printed: the password replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable Redis URL)';
  }
}

export function parseRedisUrl(url: string | undefined, where: string): string {
  if (!url) throw new PipeError('usage', `${where}: no Redis URL`, { hint: 'give --redis redis://HOST:PORT (or set PIPE_REDIS_URL)' });
  if (!/^rediss?:\/\//.test(url)) throw new PipeError('usage', `${where}: '${redactUrl(url)}' is not a redis:// or rediss:// URL`);
  return url;
}

/**
 * A client; `blocking` ones (BullMQ workers, queue events) retry commands forever as BullMQ requires,
 * the others fail a command after one retry so a lost Redis surfaces as an error, not a hang.
 */
export function redisClient(url: string, blocking: boolean): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 1,
    connectTimeout: 5000,
    lazyConnect: true,
    // reconnect quickly but keep trying: the runner's own timer decides when to give up
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
  // errors are reported through the executor's own checks; without a listener ioredis prints them all
  client.on('error', () => {});
  return client;
}

/** Connects or throws `executor-unavailable` within `ms`. */
export async function connectOrFail(client: Redis, url: string, ms = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        if (client.status === 'wait') await client.connect();
        await client.ping();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), ms);
      }),
    ]);
  } catch (err) {
    client.disconnect();
    throw new PipeError('executor-unavailable', `cannot reach Redis at ${redactUrl(url)}: ${(err as Error).message.replace(url, redactUrl(url))}`, {
      hint: 'start redis-server (or check --redis / PIPE_REDIS_URL and the network); finished units stay cached and the next run resumes',
    });
  } finally {
    clearTimeout(timer);
  }
}
