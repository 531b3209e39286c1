// The curl and node health probes, run by a real local shell against a real HTTP server:
// both must report and decide the same way.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthCommand, type HttpProbeTool } from './health.js';

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

function probe(tool: HttpProbeTool, url: string, expectStatus = 200): Promise<{ code: number; out: string }> {
  const cmd = healthCommand({ type: 'http', url, expectStatus }, 2000, tool);
  return new Promise((resolve) => {
    execFile('sh', ['-c', cmd.text], (err, stdout) => {
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

  it('keeps a hostile URL one literal argument', async () => {
    const r = await probe(tool, `${base}/ok'; exit 0; '`);
    expect(r.code).toBe(1);
  });
});
