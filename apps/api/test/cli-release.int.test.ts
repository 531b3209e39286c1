// `wharf release --wait` and `wharf status` end to end: the CLI bundle downloaded from the API,
// run with a CI token against the real API + worker + two real sshd/pm2 hosts. The exit code
// says how the deployment ended, and what the CLI printed is exactly the stored log, also
// when its connection is cut in the middle.
import { rm } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentView } from '@wharf/shared';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import {
  buildCliBundle,
  deploymentIdFrom,
  downloadCli,
  runCli,
  storedLogAsPrinted,
  type CliRun,
} from './cli-runner.js';
import { startTcpProxy, type TcpProxy } from './fault-tools.js';
import { setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let worker: RunningWorker;
let f: ReleaseFixture;
let cli: string;
let proxy: TcpProxy;

const SLUG = 'cli-shop';

function wharf(args: string[], opts: { token?: string; url?: string } = {}): CliRun {
  return runCli(cli, args, { WHARF_URL: opts.url ?? t.url, WHARF_TOKEN: opts.token ?? f.token }, f.workDir);
}
const releaseArgs = (version: string, ...extra: string[]) => [
  'release',
  '--project',
  SLUG,
  '--env',
  f.envName,
  '--version',
  version,
  '--wait',
  ...extra,
];
const lines = (s: string) => s.split('\n').filter((l) => l !== '');
const lastLine = (s: string) => lines(s).at(-1) ?? '';

beforeAll(async () => {
  await buildCliBundle();
  t = await startTestApp();
  worker = await startWorker(t.config);
  f = await setupRelease(t, { hostCount: 2, baseAddress: '127.0.0.130', slug: SLUG });
  cli = await downloadCli(t.url, f.workDir);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: t.config.WHARF_PORT });
  await f.push('1.0.0');
  await f.push('2.0.0-crash', { crashOnStart: true });
  await f.push('3.0.0-slow', { slowInstall: 30 });
  await f.push('4.0.0', { slowInstall: 3 });
  await f.push('5.0.0-slow', { slowInstall: 30 });
}, 240_000);

afterAll(async () => {
  await proxy?.close();
  await worker?.stop();
  await f?.hosts.stop();
  if (f) await rm(f.workDir, { recursive: true, force: true });
  await t?.close();
});

describe('wharf release --wait', { timeout: 240_000 }, () => {
  it('exits 0 when the deployment succeeds, having printed exactly the stored log', async () => {
    const run = await wharf(releaseArgs('1.0.0')).done;
    expect(run.code, run.stderr).toBe(0);
    const id = deploymentIdFrom(run.stderr)!;
    expect(lastLine(run.stderr)).toMatch(
      new RegExp(`^wharf: deployment ${id} succeeded: ${SLUG} 1\\.0\\.0 on qa, 2 target\\(s\\) in \\d+\\.\\ds$`),
    );
    expect(lines(run.stdout)).toEqual(await storedLogAsPrinted(f.admin, SLUG, id, true));
    expect(run.stdout).toContain('Deployment succeeded');
    expect(run.stdout).toMatch(/^\[host-?\d\] /m);
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0']);
    const d = (await f.admin.get(`/api/v1/projects/${SLUG}/deployments/${id}`)).body as DeploymentView;
    expect(d).toMatchObject({ state: 'succeeded', trigger: 'cli', actor: expect.stringMatching(/^token:wharf_/) });
    expect(run.stdout + run.stderr).not.toContain(f.token);
  });

  it('exits 9 when the deployment fails, with the reason on stderr', async () => {
    const run = await wharf(releaseArgs('2.0.0-crash')).done;
    expect(run.code, run.stderr).toBe(9);
    const id = deploymentIdFrom(run.stderr)!;
    expect(lastLine(run.stderr)).toMatch(new RegExp(`^wharf: deployment ${id} failed: ${SLUG} 2\\.0\\.0-crash on qa`));
    expect(lines(run.stdout)).toEqual(await storedLogAsPrinted(f.admin, SLUG, id, true));
    expect(run.stdout).toContain('Deployment failed');
    expect(await f.versionsServed()).toEqual(['1.0.0', '1.0.0']);
  });

  it('exits 10 when someone cancels the deployment while it runs', async () => {
    const run = wharf(releaseArgs('3.0.0-slow'));
    await run.until((o) => o.stdout.includes('slow install started'));
    const id = deploymentIdFrom(run.stderr)!;
    expect((await f.admin.post(`/api/v1/projects/${SLUG}/deployments/${id}/cancel`)).status).toBe(200);
    const done = await run.done;
    expect(done.code, done.stderr).toBe(10);
    expect(lastLine(done.stderr)).toMatch(new RegExp(`^wharf: deployment ${id} cancelled: .*cancel`));
    expect(lines(done.stdout)).toEqual(await storedLogAsPrinted(f.admin, SLUG, id, true));
  });

  it('continues after its connection is cut mid-stream: no line missing, none twice', async () => {
    const run = wharf(releaseArgs('4.0.0'), { url: `http://127.0.0.1:${proxy.port}` });
    await run.until((o) => o.stdout.includes('slow install started'));
    const before = lines(run.stdout).length;
    // Every open connection dropped, new ones refused for 3 s, as a restarting proxy does.
    await proxy.cut(3000);
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    const id = deploymentIdFrom(done.stderr)!;
    const printed = lines(done.stdout);
    expect(printed).toEqual(await storedLogAsPrinted(f.admin, SLUG, id, true));
    expect(printed.length).toBeGreaterThan(before);
    expect(done.stderr).toMatch(/retrying \(the deployment goes on without us\)/);
    expect(done.stderr).toMatch(/connection to the server is back; continuing the log after line \d+/);
    expect(await f.versionsServed()).toEqual(['4.0.0', '4.0.0']);
  });

  it('exits 11 at --timeout and leaves the deployment running; status shows it and what queues behind it', async () => {
    const run = await wharf(releaseArgs('5.0.0-slow', '--timeout', '4')).done;
    expect(run.code, run.stderr).toBe(11);
    const id = deploymentIdFrom(run.stderr)!;
    expect(lastLine(run.stderr)).toMatch(
      new RegExp(`^wharf: stopped waiting after 4s: deployment ${id} is (queued|running) and keeps going`),
    );
    const queued = await f.release('1.0.0');

    const status = await wharf(['status', '--project', SLUG, '--json']).done;
    expect(status.code, status.stderr).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json).toEqual({
      project: SLUG,
      environments: [
        {
          name: 'qa',
          id: f.envId,
          protected: false,
          running: {
            version: '4.0.0',
            deploymentId: expect.any(String),
            finishedAt: expect.any(String),
            actor: expect.stringMatching(/^token:wharf_/),
          },
          inFlight: [
            expect.objectContaining({ deploymentId: id, version: '5.0.0-slow', state: 'running', trigger: 'cli' }),
            expect.objectContaining({ deploymentId: queued.id, version: '1.0.0', state: 'queued', trigger: 'manual' }),
          ],
        },
      ],
    });
    const table = await wharf(['status', '--project', SLUG]).done;
    expect(lines(table.stdout)).toEqual([
      expect.stringMatching(/^ENVIRONMENT +RUNNING +SINCE +QUEUED OR RUNNING$/),
      expect.stringMatching(
        new RegExp(
          `^qa +4\\.0\\.0 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ +running 5\\.0\\.0-slow \\(${id.slice(0, 8)}\\), queued 1\\.0\\.0 \\(${queued.id.slice(0, 8)}\\)$`,
        ),
      ),
    ]);

    for (const d of [queued.id, id]) await f.admin.post(`/api/v1/projects/${SLUG}/deployments/${d}/cancel`);
    expect((await f.waitFinished(id)).state).toBe('cancelled');
  });

  it('exits 5 naming the reason when the token may not release there (scope, environment list, protection)', async () => {
    const env = (await f.admin.post(`/api/v1/projects/${SLUG}/environments`, { name: 'prod', protected: true })).body;
    const pushOnly = (await f.admin.post(`/api/v1/projects/${SLUG}/tokens`, { name: 'p', scopes: ['artifacts:push'] }))
      .body.token as string;
    const qaOnly = (
      await f.admin.post(`/api/v1/projects/${SLUG}/tokens`, {
        name: 'q',
        scopes: ['release'],
        environmentIds: [f.envId],
      })
    ).body.token as string;
    const cases: [string, string, RegExp][] = [
      [pushOnly, 'qa', /release rejected \(403\): this token lacks the release scope$/],
      [qaOnly, 'prod', /release rejected \(403\): prod is protected: releasing to it needs the maintainer role$/],
      [f.token, 'nope', /project cli-shop has no environment "nope" \(environments: qa, prod\)$/],
    ];
    for (const [token, envName, message] of cases) {
      const run = await wharf(['release', '--project', SLUG, '--env', envName, '--version', '1.0.0', '--wait'], {
        token,
      }).done;
      expect(run.code, run.stderr).toBe(envName === 'nope' ? 6 : 5);
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(message);
    }
    expect(env.protected).toBe(true);
  });

  it('asks again with the same Idempotency-Key when the answer is lost: one deployment, not two', async () => {
    // An HTTP proxy that passes everything, except that it drops the connection instead of
    // answering the first release request (the API has created the deployment by then).
    let lost = 0;
    const server = createServer((req, res) => {
      const up = httpRequest(
        { host: '127.0.0.1', port: t.config.WHARF_PORT, method: req.method, path: req.url, headers: req.headers },
        (upRes) => {
          if (req.method === 'POST' && req.url?.endsWith('/deployments') && lost === 0) {
            lost++;
            upRes.resume();
            upRes.on('end', () => req.socket.destroy());
            return;
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const list = async () =>
        ((await f.admin.get(`/api/v1/projects/${SLUG}/deployments?limit=200`)).body.items as DeploymentView[]).length;
      const before = await list();
      const run = await wharf(['release', '--project', SLUG, '--env', f.envName, '--version', '1.0.0', '--wait'], {
        url,
      }).done;
      expect(run.code, run.stderr).toBe(0);
      expect(lost).toBe(1);
      expect(run.stderr).toMatch(/release request failed .*asking again \(the same request, never a second release\)/);
      expect(await list()).toBe(before + 1);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
