// Backpressure against a real sshd: a log callback that answers with a LogPause stops the
// channel, the remote command blocks on its pipe (it does not run ahead and finish), and
// after the pause every line still arrives once, in order. Also: a command opened ahead of
// time (startWhen) runs only on its go-ahead.
import { existsSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError } from './errors.js';
import { execRemote } from './remote-exec.js';
import { sh } from './shell-quote.js';
import { connectSsh, type SshConnection } from './ssh-connection.js';
import type { LogPause } from './types.js';

let th: TestHosts;
let conn: SshConnection;

beforeAll(async () => {
  th = await startSshHosts({ count: 1, baseAddress: '127.0.0.38' });
  const h = th.hosts[0]!;
  conn = await connectSsh({
    host: h.address,
    port: h.port,
    username: h.user,
    privateKey: th.clientPrivateKey,
    pinnedHostKey: h.hostKeyFingerprint,
    connectTimeoutMs: 10_000,
  });
});
afterAll(async () => {
  conn?.close();
  await th?.stop();
});

const LINES = 200_000; // ~7 MB: far more than the SSH window (2 MiB) and the pipe buffers

describe('execRemote backpressure', () => {
  it('pauses the channel while the consumer is behind, then delivers every line in order', async () => {
    const seen: number[] = [];
    let release!: () => void;
    const pause: LogPause = { resumed: new Promise<void>((r) => (release = r)) };
    let paused = false;
    const marker = `/tmp/wharf-bp-${process.pid}-${Date.now()}`;
    const run = execRemote(
      conn,
      // Prints LINES numbered lines, then (only once every line was written) a marker file.
      sh`seq 1 ${String(LINES)} | sed 's/$/ padding-padding-padding/' && touch ${marker}`,
      {
        onStdout: (l) => {
          seen.push(Number.parseInt(l, 10));
          // Answer "slow down" once, after the first 1000 lines.
          if (seen.length === 1000 && !paused) {
            paused = true;
            return pause;
          }
          return undefined;
        },
      },
    );
    // While paused, what arrives stops growing well short of the total, and the remote
    // command has not finished (it is blocked writing).
    await waitFor(() => paused);
    await sleep(1500);
    const during = seen.length;
    await sleep(1000);
    expect(seen.length).toBe(during);
    expect(during).toBeLessThan(LINES / 2);
    const done = await execRemote(conn, sh`test -e ${marker}`);
    expect(done.exitCode).not.toBe(0);

    release();
    const r = await run;
    expect(r.exitCode).toBe(0);
    expect(seen.length).toBe(LINES);
    for (let i = 0; i < LINES; i++) if (seen[i] !== i + 1) throw new Error(`line ${i + 1} is ${seen[i]}`);
    await execRemote(conn, sh`rm -f ${marker}`);
  }, 60_000);

  it('a cancel during a pause still ends the command', async () => {
    const ac = new AbortController();
    const never: LogPause = { resumed: new Promise<void>(() => undefined) };
    let count = 0;
    const run = execRemote(conn, sh`yes wharf-flood`, {
      signal: ac.signal,
      onStdout: () => (++count === 10 ? never : undefined),
    });
    await waitFor(() => count >= 10);
    await sleep(300);
    ac.abort();
    await expect(run).rejects.toThrow(/cancel/i);
  }, 30_000);
});

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}

describe('execRemote startWhen (a remote command opened ahead of time)', () => {
  const flag = () => `/tmp/wharf-sw-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`;

  it('runs only on the go-ahead, with its env; the timeout counts from then', async () => {
    const f = flag();
    let go!: (run: boolean) => void;
    const out: string[] = [];
    const run = execRemote(conn, sh`touch ${f} && printf '%s\n' "$V"`, {
      env: { V: 'hello' },
      onStdout: (l) => out.push(l),
      timeoutMs: 300,
      startWhen: new Promise<boolean>((r) => (go = r)),
    });
    await sleep(600); // longer than the timeout: it has not started yet
    expect(existsSync(f)).toBe(false);
    go(true);
    expect(await run).toEqual({ exitCode: 0, signal: null });
    expect(out).toEqual(['hello']);
    expect(existsSync(f)).toBe(true);
    rmSync(f);
  });

  it('closed unused (no go-ahead, or a cancel while waiting): nothing runs', async () => {
    const f = flag();
    let go!: (run: boolean) => void;
    const refused = execRemote(conn, sh`touch ${f}`, { startWhen: new Promise<boolean>((r) => (go = r)) });
    await sleep(200);
    go(false);
    await expect(refused).rejects.toBeInstanceOf(CancelledError);

    const ac = new AbortController();
    const cancelled = execRemote(conn, sh`touch ${f}`, {
      signal: ac.signal,
      startWhen: new Promise<boolean>(() => {}),
    });
    await sleep(200);
    ac.abort();
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    await sleep(300);
    expect(existsSync(f)).toBe(false);
    // The connection is still good for the next command.
    expect(await execRemote(conn, sh`true`)).toEqual({ exitCode: 0, signal: null });
  });
});
