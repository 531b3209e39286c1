// The curl and node health probes, run by a real local shell against a real HTTP server:
// both must report and decide the same way.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BODY_MISMATCH, healthCommand, type HttpProbeTool, withOnPass } from './health.js';
import { sh, type ShellCommand } from './shell-quote.js';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 503;
    if (res.statusCode === 302) res.setHeader('location', '/ok');
    res.end(`body of ${req.url}\n  with 'quotes' $(touch /tmp/x)`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function probe(
  tool: HttpProbeTool,
  url: string,
  expectStatus = 200,
  expectBody?: string,
): Promise<{ code: number; out: string }> {
  return runLocal(
    healthCommand({ type: 'http', url, expectStatus, ...(expectBody ? { expectBody } : {}) }, 2000, tool),
  );
}

function runLocal(cmd: ShellCommand, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', cmd.text], { env: { ...process.env, ...env } }, (err, stdout) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out: stdout.trim() });
    });
  });
}

describe.each(['curl', 'node'] as const)('http probe via %s', (tool) => {
  it('uses the intended client', () => {
    const text = healthCommand({ type: 'http', url: `${base}/ok`, expectStatus: 200 }, 2000, tool).text;
    expect(text.startsWith(tool === 'curl' ? 'if __o=$(curl ' : 'node -e ')).toBe(true);
  });

  it('passes on the expected status and logs the body on one line', async () => {
    expect(await probe(tool, `${base}/ok`)).toEqual({
      code: 0,
      out: `HTTP 200 body of /ok with 'quotes' $(touch /tmp/x)`,
    });
  });

  it('fails on another status and does not follow redirects', async () => {
    const down = await probe(tool, `${base}/down`);
    expect([down.code, down.out]).toEqual([1, `HTTP 503 body of /down with 'quotes' $(touch /tmp/x)`]);
    const moved = await probe(tool, `${base}/moved`);
    expect(moved.code).toBe(1);
    expect(moved.out).toMatch(/^HTTP 302 body of \/moved/);
    expect((await probe(tool, `${base}/moved`, 302)).code).toBe(0);
  });

  it('fails with a reason when nothing answers', async () => {
    const r = await probe(tool, 'http://127.0.0.1:1/');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^request failed: \S/);
  });

  it('with expected text: passes only when the body contains it, literally', async () => {
    const ok = `${base}/ok`;
    expect(await probe(tool, ok, 200, 'body of /ok')).toMatchObject({ code: 0 });
    expect(await probe(tool, ok, 200, "'quotes' $(touch /tmp/x)")).toMatchObject({ code: 0 });
    expect(await probe(tool, ok, 200, '/ok\n  with')).toMatchObject({ code: 0 });
    const missing = await probe(tool, ok, 200, 'healthy');
    expect(missing.code).toBe(1);
    expect(missing.out.split('\n')).toEqual([`HTTP 200 body of /ok with 'quotes' $(touch /tmp/x)`, BODY_MISMATCH]);
    // Not a pattern: glob and regex characters match only themselves.
    for (const notThere of ['*', 'body*ok', '[b]ody', '.*', '?ody']) {
      expect((await probe(tool, ok, 200, notThere)).code, notThere).toBe(1);
    }
    // A wrong status fails before the body is looked at.
    const down = await probe(tool, `${base}/down`, 200, 'body of');
    expect([down.code, down.out.split('\n').length]).toEqual([1, 1]);
    expect(down.out).toMatch(/^HTTP 503 /);
  });

  it('keeps a hostile URL one literal argument', async () => {
    const r = await probe(tool, `${base}/ok'; exit 0; '`);
    expect(r.code).toBe(1);
  });
});

describe('command check', () => {
  it('runs the command in the given directory with the environment, exit 0 = healthy', async () => {
    const dir = await mkdtemp(join(tmpdir(), "wharf health 'dir' "));
    try {
      await writeFile(join(dir, 'ready'), 'yes\n');
      const check = { type: 'command' as const, command: 'test "$(cat ready)" = yes && echo "ready for $WHO"' };
      expect(await runLocal(healthCommand(check, 2000, 'node', dir), { WHO: 'wharf' })).toEqual({
        code: 0,
        out: 'ready for wharf',
      });
      expect((await runLocal(healthCommand(check, 2000, 'node', tmpdir()))).code).not.toBe(0);
      expect((await runLocal(healthCommand({ type: 'command', command: 'exit 3' }, 2000, 'node', dir))).code).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('withOnPass (a command riding the passing attempt, e.g. the prune)', () => {
  const done = '__WHARF_0123456789ab:on-pass-done';

  it('runs the command only after a passing probe, says so, and keeps the probe exit code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf on-pass '));
    try {
      const flag = join(dir, 'ran');
      const onPass = sh`touch -- ${flag}`;
      const ok = healthCommand({ type: 'http', url: `${base}/ok`, expectStatus: 200 }, 2000, 'curl');
      expect(await runLocal(withOnPass(ok, onPass, done))).toEqual({
        code: 0,
        out: `HTTP 200 body of /ok with 'quotes' $(touch /tmp/x)\n${done}`,
      });
      await expect(stat(flag)).resolves.toBeTruthy();
      await rm(flag);

      const down = healthCommand({ type: 'http', url: `${base}/down`, expectStatus: 200 }, 2000, 'curl');
      const r = await runLocal(withOnPass(down, onPass, done));
      expect(r.code).toBe(1);
      expect(r.out).not.toContain(done);
      await expect(stat(flag)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an exit inside the probe ends only the probe; a failing command prints no done line', async () => {
    expect(await runLocal(withOnPass(sh`exit 0`, sh`true`, done))).toEqual({ code: 0, out: done });
    expect(await runLocal(withOnPass(sh`exit 4`, sh`true`, done))).toEqual({ code: 4, out: '' });
    // The command's own output (and errors) are not part of the probe's.
    expect(await runLocal(withOnPass(sh`echo probed`, sh`echo noise; echo oops >&2; false`, done))).toEqual({
      code: 0,
      out: 'probed',
    });
  });
});
