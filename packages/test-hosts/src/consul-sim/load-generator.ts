// A bounded HTTP load generator for loopback targets: a few workers sending GETs back to
// back until stopped, counting every answer that is not 200 (and every error) as failed.
import { Agent, get } from 'node:http';

export interface LoadResult {
  total: number;
  failed: number;
  /** The first failures, for the test's message. */
  failures: string[];
  /** Answers per `x-backend` header value (what the Consul LB routed to). */
  byBackend: Map<string, number>;
}

export interface LoadGenerator {
  /** Stops sending and resolves with the totals once every request in flight has ended. */
  stop(): Promise<LoadResult>;
  /** Answers so far. */
  count(): number;
}

export function startLoad(opts: { url: string; concurrency?: number; maxRequests?: number }): LoadGenerator {
  const u = new URL(opts.url);
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname)) throw new Error('load goes to loopback only');
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 4 });
  const result: LoadResult = { total: 0, failed: 0, failures: [], byBackend: new Map() };
  const max = opts.maxRequests ?? 1_000_000;
  let stopped = false;
  const fail = (why: string): void => {
    result.failed += 1;
    if (result.failures.length < 20) result.failures.push(why);
  };
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const req = get(opts.url, { agent, timeout: 10_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          result.total += 1;
          const backend = String(res.headers['x-backend'] ?? '');
          result.byBackend.set(backend, (result.byBackend.get(backend) ?? 0) + 1);
          if (res.statusCode !== 200) fail(`HTTP ${res.statusCode} from ${backend}: ${body.slice(0, 200)}`);
          resolve();
        });
        res.on('error', (err) => {
          result.total += 1;
          fail(`response error: ${err.message}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => {
        result.total += 1;
        fail(`request error: ${err.message}`);
        resolve();
      });
    });
  const worker = async (): Promise<void> => {
    while (!stopped && result.total < max) await once();
  };
  const workers = Array.from({ length: opts.concurrency ?? 4 }, () => worker());
  return {
    count: () => result.total,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      agent.destroy();
      return result;
    },
  };
}
