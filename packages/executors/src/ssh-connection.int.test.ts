// Against real sshd hosts from @wharf/test-hosts.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, isAlive, startSshHosts, type TestHosts } from '@wharf/test-hosts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthFailedError,
  CancelledError,
  CommandTimeoutError,
  HostKeyMismatchError,
  UnreachableError,
} from './errors.js';
import { execCapture, execRemote } from './remote-exec.js';
import { uploadFile } from './sftp-upload.js';
import { sh } from './shell-quote.js';
import { connectSsh, probeHostKey, type SshConnection } from './ssh-connection.js';

let th: TestHosts;
let conn: SshConnection;

beforeAll(async () => {
  th = await startSshHosts({ count: 2, baseAddress: '127.0.0.30' });
  conn = await connectTo(0);
});
afterAll(async () => {
  conn?.close();
  await th?.stop();
});

function connectTo(i: number, over: Partial<Parameters<typeof connectSsh>[0]> = {}): Promise<SshConnection> {
  const h = th.hosts[i]!;
  return connectSsh({
    host: h.address,
    port: h.port,
    username: h.user,
    privateKey: th.clientPrivateKey,
    pinnedHostKey: h.hostKeyFingerprint,
    connectTimeoutMs: 10_000,
    ...over,
  });
}

/** Every command line of every process on this machine (the hosts share it). */
async function allCmdlines(): Promise<string> {
  const out: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push((await readFile(`/proc/${pid}/cmdline`)).toString('utf8'));
    } catch {
      /* process ended */
    }
  }
  return out.join('\n');
}

describe('connectSsh', () => {
  it('connects when the host key matches the pin and runs a command', async () => {
    const r = await execCapture(conn, sh`echo hello ${'world'}`);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'hello world' });
    expect(conn.hostKeyFingerprint).toBe(th.hosts[0]!.hostKeyFingerprint);
  });

  it('refuses a host whose key differs from the pin, naming both fingerprints', async () => {
    const wrong = th.hosts[1]!.hostKeyFingerprint;
    const err = await connectTo(0, { pinnedHostKey: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    const e = err as HostKeyMismatchError;
    expect(e.expectedFingerprint).toBe(wrong);
    expect(e.actualFingerprint).toBe(th.hosts[0]!.hostKeyFingerprint);
    expect(e.message).toContain(wrong);
    expect(e.message).toContain(th.hosts[0]!.hostKeyFingerprint);
  });

  it('reports an unreachable host (connection refused)', async () => {
    const port = await freePort('127.0.0.30');
    const err = await connectTo(0, { port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as UnreachableError).reason).toBe('refused');
  });

  it('reports auth failure for a key the host does not know, without leaking the key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const err = await connectTo(0, { privateKey: pem }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailedError);
    expect((err as Error).message).not.toContain(pem.split('\n')[1]!);
  });

  it('reports an unreadable private key as an auth failure', async () => {
    const err = await connectTo(0, { privateKey: 'not a key' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailedError);
  });
});

describe('probeHostKey', () => {
  it('returns the fingerprint and key type without logging in', async () => {
    const h = th.hosts[1]!;
    const probe = await probeHostKey(h.address, h.port, 5000);
    expect(probe).toEqual({ fingerprint: h.hostKeyFingerprint, keyType: 'ssh-ed25519' });
  });

  it('rejects with UnreachableError on a closed port', async () => {
    const port = await freePort('127.0.0.31');
    await expect(probeHostKey('127.0.0.31', port, 5000)).rejects.toBeInstanceOf(UnreachableError);
  });
});

describe('execRemote', () => {
  it('streams stdout and stderr as lines, buffering partial lines', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const r = await execRemote(conn, sh`printf 'a\\nb'; sleep 0.2; printf 'c\\nlast'; printf 'e1\\ne2' >&2; exit 3`, {
      onStdout: (l) => out.push(l),
      onStderr: (l) => err.push(l),
    });
    expect(r.exitCode).toBe(3);
    expect(out).toEqual(['a', 'bc', 'last']);
    expect(err).toEqual(['e1', 'e2']);
  });

  it('delivers env values byte-for-byte through stdin, never in any argv', async () => {
    const secret = `s3cr3t-${randomBytes(8).toString('hex')}`;
    const hostile = `$(touch /tmp/wharf-pwned-${secret}) \`id\` '"; rm -rf / \n second line ✓`;
    const seen: string[] = [];
    const run = execRemote(
      conn,
      sh`printf '%s' "$HOSTILE" | od -An -tx1 | tr -d ' \\n'; echo; printf '%s\\n' "$SECRET_TOKEN"; sleep 1`,
      { env: { HOSTILE: hostile, SECRET_TOKEN: secret }, onStdout: (l) => seen.push(l) },
    );
    await sleep(500);
    const cmdlines = await allCmdlines();
    await run;
    expect(cmdlines).not.toContain(secret);
    expect(Buffer.from(seen[0]!, 'hex').toString('utf8')).toBe(hostile);
    expect(seen[1]).toBe(secret);
    expect(existsSync(`/tmp/wharf-pwned-${secret}`)).toBe(false);
  });

  it('abort kills the whole remote process group and rejects with CancelledError', async () => {
    const pidFile = join(th.hosts[0]!.baseDir, `pids-${randomBytes(4).toString('hex')}`);
    const ac = new AbortController();
    const run = execRemote(conn, sh`sleep 300 & echo $! > ${pidFile}; echo $$ >> ${pidFile}; echo started; wait`, {
      signal: ac.signal,
      onStdout: (l) => l === 'started' && ac.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('a command timeout kills the process group and rejects with CommandTimeoutError', async () => {
    const pidFile = join(th.hosts[0]!.baseDir, `pids-${randomBytes(4).toString('hex')}`);
    const run = execRemote(conn, sh`echo $$ > ${pidFile}; sleep 300`, { timeoutMs: 1000, step: 'sleepy' });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandTimeoutError);
    expect((err as Error).message).toContain('sleepy');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(isAlive(pid)).toBe(false);
  });

  it('hostile strings used as remote paths stay literal', async () => {
    const base = th.hosts[0]!.baseDir;
    const name = `$(touch PWNED) \`touch PWNED\`; touch PWNED '"\n-rf ✓`;
    const r = await execCapture(conn, sh`cd -- ${base} && mkdir -- ${name} && ls -1A`);
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(base, 'PWNED'))).toBe(false);
    expect(existsSync(join(base, name))).toBe(true);
  });
});

describe('uploadFile', () => {
  it('streams a file over SFTP with progress', async () => {
    const local = join(th.rootDir, 'blob.bin');
    const data = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(local, data);
    const remote = join(th.hosts[1]!.baseDir, 'blob.bin');
    const progress: number[] = [];
    const c = await connectTo(1);
    try {
      await uploadFile(c, local, remote, {
        onProgress: (done, total) => (expect(total).toBe(data.length), progress.push(done)),
      });
    } finally {
      c.close();
    }
    const got = await readFile(remote);
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(progress.at(-1)).toBe(data.length);
    expect(progress.length).toBeGreaterThan(1);
  });
});

describe('encrypted client keys', () => {
  let rsa: TestHosts | undefined;
  afterAll(async () => {
    await rsa?.stop();
  });

  it('connects with an RSA key and its passphrase; fails clearly without it', async () => {
    rsa = await startSshHosts({ count: 1, baseAddress: '127.0.0.35', clientKey: { type: 'rsa', passphrase: 'pa ss' } });
    const h = rsa.hosts[0]!;
    const base = {
      host: h.address,
      port: h.port,
      username: 'root',
      privateKey: rsa.clientPrivateKey,
      pinnedHostKey: h.hostKeyFingerprint,
    };
    const c = await connectSsh({ ...base, passphrase: 'pa ss' });
    expect((await execCapture(c, sh`echo ok`)).stdout).toBe('ok');
    c.close();
    const err = await connectSsh(base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailedError);
    expect((err as Error).message).toMatch(/passphrase/);
  });
});
