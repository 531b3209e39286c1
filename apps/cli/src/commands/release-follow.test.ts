// followDeployment against a local node:http server that plays the two routes it polls, and
// misbehaves on demand: resets connections, answers 503, repeats lines it already sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeploymentView, LogLineView } from '@wharf/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../errors.js';
import { WharfHttpClient } from '../http-client.js';
import { followDeployment, LOG_PAGE } from './release-follow.js';

const TOKEN = `wharf_${'x'.repeat(40)}`;
const ID = '11111111-1111-4111-8111-111111111111';

interface Fake {
  lines: LogLineView[];
  state: DeploymentView['state'];
  /** What the next requests get instead of an answer. */
  failNext: ('reset' | '503' | '401')[];
  /** Also send this many lines before afterSeq again (a buggy or replaying server). */
  replay: number;
  requests: string[];
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

const view = (state: DeploymentView['state']) =>
  ({
    id: ID,
    state,
    version: '1.0.0',
    environmentName: 'dev',
    targets: [
      { targetId: 't1', targetName: 'web-1' },
      { targetId: 't2', targetName: 'web-2' },
    ],
  }) as DeploymentView;

async function start(fake: Fake): Promise<(ms: number) => WharfHttpClient> {
  server = createServer((req, res) => {
    fake.requests.push(req.url ?? '');
    const failure = fake.failNext.shift();
    if (failure === 'reset') return void req.socket.destroy();
    if (failure) {
      res.writeHead(failure === '503' ? 503 : 401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ statusCode: Number(failure), message: 'nope' }));
    }
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname.endsWith('/logs')) {
      const after = Number(url.searchParams.get('afterSeq'));
      const limit = Number(url.searchParams.get('limit'));
      const from = Math.max(0, after - fake.replay);
      return void res.end(JSON.stringify(fake.lines.filter((l) => l.seq > from).slice(0, limit)));
    }
    res.end(JSON.stringify(view(fake.state)));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return (ms) => new WharfHttpClient({ baseUrl: new URL(`http://127.0.0.1:${port}`), token: TOKEN }, ms);
}

const line = (seq: number): LogLineView => ({
  seq,
  targetId: seq % 3 === 0 ? null : seq % 3 === 1 ? 't1' : 't2',
  stream: 'stdout',
  at: '2026-11-30T00:00:00.000Z',
  text: `line ${seq}`,
});
const expected = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const l = line(i + 1);
    return l.targetId === null ? l.text : `[${l.targetId === 't1' ? 'web-1' : 'web-2'}] ${l.text}`;
  });

describe('followDeployment', () => {
  it('prints every line once, in order, across pages, outages and replays, then the final lines', async () => {
    const fake: Fake = { lines: [], state: 'running', failNext: [], replay: 0, requests: [] };
    const client = await start(fake);
    const printed: string[] = [];
    const notices: string[] = [];
    let polls = 0;
    const result = await followDeployment({
      client,
      project: 'shop',
      deployment: view('queued'),
      deadline: Date.now() + 30_000,
      line: (t) => printed.push(t),
      notice: (t) => notices.push(t),
      pollMs: 1,
      // The "worker" writes lines between polls, and the network misbehaves now and then.
      sleep: async () => {
        polls++;
        const next = fake.lines.length + 1;
        if (polls === 1) for (let s = next; s < next + LOG_PAGE + 5; s++) fake.lines.push(line(s));
        else if (polls < 8) fake.lines.push(line(next), line(next + 1));
        if (polls === 3) fake.failNext.push('reset', 'reset');
        if (polls === 5) fake.failNext.push('503');
        if (polls === 6) fake.replay = 3;
        if (polls === 8) {
          // The last lines are written before the state flips, as the worker does.
          fake.lines.push(line(next), line(next + 1));
          fake.state = 'failed';
        }
      },
    });
    expect(result.kind).toBe('finished');
    expect(result.deployment.state).toBe('failed');
    expect(printed).toEqual(expected(fake.lines.length));
    expect(fake.lines.length).toBeGreaterThan(LOG_PAGE + 15);
    expect(notices.some((n) => n.includes('retrying'))).toBe(true);
    expect(notices.some((n) => n.startsWith('connection to the server is back'))).toBe(true);
  });

  it('stops at the deadline with the deployment still running, saying since when the server was silent', async () => {
    const fake: Fake = { lines: [line(1)], state: 'running', failNext: [], replay: 0, requests: [] };
    const client = await start(fake);
    const printed: string[] = [];
    let polls = 0;
    const result = await followDeployment({
      client,
      project: 'shop',
      deployment: view('running'),
      deadline: Date.now() + 400,
      line: (t) => printed.push(t),
      notice: () => undefined,
      pollMs: 20,
      sleep: (ms) => {
        if (++polls === 2) fake.failNext.push(...Array<'reset'>(1000).fill('reset'));
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    expect(result.kind).toBe('timeout');
    if (result.kind !== 'timeout') return;
    expect(result.deployment.state).toBe('running');
    expect(result.unreachableSince).toBeInstanceOf(Date);
    expect(result.lastError).toMatch(/closed the connection/);
    expect(printed).toEqual(['[web-1] line 1']);
  });

  it('does not retry a refusal (401): it ends the wait with the auth exit code', async () => {
    const fake: Fake = { lines: [], state: 'running', failNext: ['401'], replay: 0, requests: [] };
    const client = await start(fake);
    const err = await followDeployment({
      client,
      project: 'shop',
      deployment: view('running'),
      deadline: Date.now() + 10_000,
      line: () => undefined,
      notice: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.auth);
    expect(fake.requests).toHaveLength(1);
  });
});
