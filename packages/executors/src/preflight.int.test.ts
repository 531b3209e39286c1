// "Test connection" preflight against real sshd hosts: each check fails by name for its own
// cause, and credentials never go to a host whose key is not approved.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreflightCheckView } from '@wharf/shared';
import { freePort, generateKey, startSshHosts, type TestHost, type TestHosts } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPreflight, type PreflightInput } from './preflight.js';

let th: TestHosts;
let bare: TestHosts;
let h: TestHost;
let work = '';
let wrongKey = '';
let notSsh: Server;
let notSshPort = 0;
const notSshSockets = new Set<Socket>();

beforeAll(async () => {
  th = await startSshHosts({ count: 1, baseAddress: '127.0.0.115' });
  bare = await startSshHosts({ count: 1, baseAddress: '127.0.0.116', withoutPm2: true });
  h = th.hosts[0]!;
  work = await mkdtemp(join(tmpdir(), 'wharf-preflight-'));
  wrongKey = (await generateKey(join(work, 'wrong_key'))).privateKey;
  // Something that accepts TCP but speaks no SSH.
  notSsh = createServer((socket) => {
    notSshSockets.add(socket);
    socket.on('error', () => undefined); // the client may reset: that is its business
    socket.on('close', () => notSshSockets.delete(socket));
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  notSshPort = await freePort('127.0.0.117');
  await new Promise<void>((resolve) => notSsh.listen(notSshPort, '127.0.0.117', resolve));
});

afterAll(async () => {
  await th?.stop();
  await bare?.stop();
  for (const socket of notSshSockets) socket.destroy();
  await new Promise<void>((resolve) => (notSsh ? notSsh.close(() => resolve()) : resolve()));
  if (work) await rm(work, { recursive: true, force: true });
});

function input(host: TestHost, hosts: TestHosts, over: Partial<PreflightInput> = {}): PreflightInput {
  return {
    host: host.address,
    port: host.port,
    user: host.user,
    baseDir: join(host.baseDir, 'preflight'),
    pinnedHostKey: host.hostKeyFingerprint,
    credential: { privateKey: hosts.clientPrivateKey },
    timeoutMs: 5000,
    ...over,
  };
}

const statuses = (checks: PreflightCheckView[]) => checks.map((c) => `${c.name}:${c.status}`);
const check = (checks: PreflightCheckView[], name: string) => checks.find((c) => c.name === name)!;
const sshdLog = (hosts: TestHosts) => readFile(join(hosts.rootDir, 'host-1', 'sshd.log'), 'utf8');

describe('preflight', () => {
  it('all good: every check passes', async () => {
    const r = await runPreflight(input(h, th));
    expect(statuses(r.checks)).toEqual([
      'reachable:passed',
      'host_key:passed',
      'login:passed',
      'commands:passed',
      'base_dir:passed',
    ]);
    expect(r.offered?.fingerprint).toBe(h.hostKeyFingerprint);
    expect(check(r.checks, 'commands').message).toBe('found node, pm2, tar, sha256sum, setsid');
  });

  it('a wrong credential fails "login" and skips what needs a login', async () => {
    const r = await runPreflight(input(h, th, { credential: { privateKey: wrongKey } }));
    expect(statuses(r.checks)).toEqual([
      'reachable:passed',
      'host_key:passed',
      'login:failed',
      'commands:skipped',
      'base_dir:skipped',
    ]);
    expect(check(r.checks, 'login').message).toMatch(/authentication as root on .* failed/);
    expect(JSON.stringify(r)).not.toContain(wrongKey.split('\n')[1]!);
  });

  it('no credential fails "login"', async () => {
    const r = await runPreflight(input(h, th, { credential: null }));
    expect(check(r.checks, 'login')).toEqual({
      name: 'login',
      status: 'failed',
      message: 'the target has no SSH key credential',
    });
  });

  it('an unapproved host key: the key is shown, no login is tried (no credential goes to the host)', async () => {
    const before = (await sshdLog(th)).split('Accepted publickey').length;
    const r = await runPreflight(input(h, th, { pinnedHostKey: null }));
    expect(statuses(r.checks)).toEqual([
      'reachable:passed',
      'host_key:failed',
      'login:skipped',
      'commands:skipped',
      'base_dir:skipped',
    ]);
    expect(check(r.checks, 'host_key').message).toContain(h.hostKeyFingerprint);
    expect(check(r.checks, 'login').message).toMatch(/not tried until the host key is approved/);
    expect(r.offered?.fingerprint).toBe(h.hostKeyFingerprint);
    await runPreflight(input(h, th, { pinnedHostKey: 'SHA256:' + 'A'.repeat(43) }));
    expect((await sshdLog(th)).split('Accepted publickey').length).toBe(before);
    // The control: sshd does log a login when one happens.
    await runPreflight(input(h, th));
    await expect.poll(async () => (await sshdLog(th)).split('Accepted publickey').length).toBe(before + 1);
  });

  it('a host key that does not match the approved one fails "host_key"', async () => {
    const r = await runPreflight(input(h, th, { pinnedHostKey: 'SHA256:' + 'A'.repeat(43) }));
    expect(statuses(r.checks).slice(1, 3)).toEqual(['host_key:failed', 'login:skipped']);
    expect(check(r.checks, 'host_key').message).toContain(`the host offers ${h.hostKeyFingerprint}`);
  });

  it('a host without pm2 on its PATH fails "commands", naming pm2 only', async () => {
    const b = bare.hosts[0]!;
    const r = await runPreflight(input(b, bare));
    expect(statuses(r.checks)).toEqual([
      'reachable:passed',
      'host_key:passed',
      'login:passed',
      'commands:failed',
      'base_dir:passed',
    ]);
    expect(check(r.checks, 'commands').message).toBe("not found on the host's PATH: pm2");
  });

  it('a base directory that cannot be created fails "base_dir"', async () => {
    const blocker = join(h.baseDir, 'a-file');
    await writeFile(blocker, 'not a directory');
    const r = await runPreflight(input(h, th, { baseDir: join(blocker, 'app') }));
    expect(statuses(r.checks).slice(3)).toEqual(['commands:passed', 'base_dir:failed']);
    expect(check(r.checks, 'base_dir').message).toMatch(/a-file\/app cannot be created or written: .*Not a directory/);
  });

  it('a base directory that exists but cannot be written (even by root) fails "base_dir"', async () => {
    const r = await runPreflight(input(h, th, { baseDir: '/proc/1' }));
    expect(check(r.checks, 'base_dir').status).toBe('failed');
    expect(check(r.checks, 'base_dir').message).toMatch(/^\/proc\/1 cannot be created or written: /);
  });

  it('nothing listening fails "reachable" and skips the rest', async () => {
    const port = await freePort('127.0.0.117');
    const r = await runPreflight(input(h, th, { host: '127.0.0.117', port }));
    expect(statuses(r.checks)).toEqual([
      'reachable:failed',
      'host_key:skipped',
      'login:skipped',
      'commands:skipped',
      'base_dir:skipped',
    ]);
    expect(check(r.checks, 'reachable').message).toMatch(/ECONNREFUSED/);
    expect(r.offered).toBeNull();
  });

  it('a port that speaks no SSH fails "host_key"', async () => {
    const r = await runPreflight(input(h, th, { host: '127.0.0.117', port: notSshPort }));
    expect(statuses(r.checks).slice(0, 3)).toEqual(['reachable:passed', 'host_key:failed', 'login:skipped']);
    expect(r.offered).toBeNull();
  });
});
