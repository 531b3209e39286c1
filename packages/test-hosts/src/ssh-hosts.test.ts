import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from './process-utils.js';
import { startSshHosts, type TestHosts } from './ssh-hosts.js';

const run = promisify(execFile);

function sshArgs(th: TestHosts, i: number, command: string): string[] {
  const h = th.hosts[i]!;
  return [
    '-F',
    '/dev/null',
    '-i',
    th.clientPrivateKeyPath,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${th.knownHostsPath}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-p',
    String(h.port),
    `${h.user}@${h.address}`,
    command,
  ];
}

describe('startSshHosts', () => {
  let th: TestHosts | undefined;
  const sshdPids: number[] = [];
  const pm2DaemonPids: number[] = [];

  beforeAll(async () => {
    th = await startSshHosts({ count: 3 });
    sshdPids.push(...th.hosts.map((h) => h.sshdPid));
  });
  afterAll(async () => {
    await th?.stop();
  });

  it('starts three hosts on distinct loopback addresses with distinct host keys', () => {
    const hosts = th!.hosts;
    expect(hosts).toHaveLength(3);
    expect(hosts.map((h) => h.address)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(new Set(hosts.map((h) => h.port)).size).toBe(3);
    expect(new Set(hosts.map((h) => h.hostKeyFingerprint)).size).toBe(3);
    for (const h of hosts) expect(h.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(th!.clientPrivateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
  });

  it('reports fingerprints that match ssh-keygen', async () => {
    for (const h of th!.hosts) {
      const tmp = join(th!.rootDir, `${h.name}.pub`);
      await writeFile(tmp, `${h.hostPublicKey}\n`);
      const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', tmp]);
      expect(stdout.split(' ')[1]).toBe(h.hostKeyFingerprint);
    }
  });

  it('runs a command on every host with strict host key checking and the host environment', async () => {
    for (let i = 0; i < 3; i++) {
      const h = th!.hosts[i]!;
      const { stdout } = await run(
        'ssh',
        sshArgs(th!, i, 'echo "$PM2_HOME|$PORT|$BIND_ADDRESS|$PATH"; command -v pm2'),
      );
      const [envLine, pm2Path] = stdout.trim().split('\n');
      // PATH exactly as configured: root's ~/.bashrc (pyenv) was skipped thanks to SHLVL=1.
      expect(envLine).toBe(`${h.pm2Home}|${h.appPort}|${h.address}|${th!.binDir}:/usr/local/bin:/usr/bin:/bin`);
      expect(pm2Path).toBe(join(th!.binDir, 'pm2'));
    }
  });

  it('refuses a host whose key is not the one in known_hosts', async () => {
    // Point host-1's entry at host-2's key: a strict client must refuse to connect.
    const wrong = join(th!.rootDir, 'known_hosts.wrong');
    const h1 = th!.hosts[0]!;
    await writeFile(wrong, `[${h1.address}]:${h1.port} ${th!.hosts[1]!.hostPublicKey}\n`);
    const args = sshArgs(th!, 0, 'true').map((a) =>
      a === `UserKnownHostsFile=${th!.knownHostsPath}` ? `UserKnownHostsFile=${wrong}` : a,
    );
    await expect(run('ssh', args)).rejects.toMatchObject({ code: 255 });
  });

  it('gives each host a working pm2 with its own PM2_HOME', async () => {
    for (let i = 0; i < 3; i++) {
      const { stdout } = await run('ssh', sshArgs(th!, i, 'pm2 jlist'), { timeout: 30_000 });
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual([]);
      const h = th!.hosts[i]!;
      const pid = Number((await readFile(join(h.pm2Home, 'pm2.pid'), 'utf8')).trim());
      expect(isAlive(pid)).toBe(true);
      pm2DaemonPids.push(pid);
    }
  });

  it('rotateHostKey serves a new key on the same address and port', async () => {
    const h = th!.hosts[2]!;
    const before = h.hostKeyFingerprint;
    const oldPid = h.sshdPid;
    const after = await h.rotateHostKey();
    expect(after).not.toBe(before);
    expect(h.hostKeyFingerprint).toBe(after);
    expect(isAlive(oldPid)).toBe(false);
    sshdPids.push(h.sshdPid);
    const { stdout } = await run('ssh-keyscan', ['-t', 'ed25519', '-p', String(h.port), h.address]);
    expect(stdout).toContain(h.hostPublicKey.split(' ')[1]);
  });

  it('stop() kills every sshd and pm2 daemon and removes the temp dir', async () => {
    expect(sshdPids.filter(isAlive)).toHaveLength(3);
    expect(pm2DaemonPids).toHaveLength(3);
    await th!.stop();
    expect(sshdPids.filter(isAlive)).toEqual([]);
    expect(pm2DaemonPids.filter(isAlive)).toEqual([]);
    expect(existsSync(th!.rootDir)).toBe(false);
    th = undefined;
  });
});

describe('startSshHosts with an RSA client key and a passphrase', () => {
  let th: TestHosts | undefined;
  afterAll(async () => {
    await th?.stop();
  });

  it('generates an encrypted RSA client key', async () => {
    th = await startSshHosts({
      count: 1,
      baseAddress: '127.0.0.20',
      clientKey: { type: 'rsa', passphrase: 'correct horse' },
    });
    expect(th.clientPassphrase).toBe('correct horse');
    expect(th.clientPublicKey).toMatch(/^ssh-rsa /);
    // Without the passphrase, ssh-keygen cannot read the key: it really is encrypted.
    await expect(run('ssh-keygen', ['-y', '-P', '', '-f', th.clientPrivateKeyPath])).rejects.toBeTruthy();
    const { stdout } = await run('ssh-keygen', ['-y', '-P', 'correct horse', '-f', th.clientPrivateKeyPath]);
    expect(stdout.trim().startsWith('ssh-rsa ')).toBe(true);
  });
});
