// Simulated SSH hosts: one real OpenSSH sshd per loopback address, each with its own host
// key, deploy root and PM2_HOME. They share this machine's filesystem, so every host's
// state lives under its own directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { generateKey, type GeneratedKey, type KeyType } from './keys.js';
import { linkPm2Bin, preparePm2Home, stopPm2 } from './pm2.js';
import { killAndWait, waitForPort } from './process-utils.js';

export const SSHD_BIN = '/usr/sbin/sshd';

export interface StartSshHostsOptions {
  count: number;
  /** First host address; later hosts increment the last octet. Default 127.0.0.2. */
  baseAddress?: string;
  /** Client key used for authentication. Default ed25519 without passphrase. */
  clientKey?: { type?: KeyType; passphrase?: string };
  /** Remote shells get a PATH without pm2, as on a server where it was never installed. */
  withoutPm2?: boolean;
}

export interface TestHost {
  name: string;
  address: string;
  port: number;
  user: 'root';
  /** Deploy root for this host (releases/, current). */
  baseDir: string;
  pm2Home: string;
  /** OpenSSH form, `SHA256:...`. */
  hostKeyFingerprint: string;
  /** `<type> <base64>`, for known_hosts files. */
  hostPublicKey: string;
  /** Port the sample app listens on for this host; remote shells see it as PORT (and BIND_ADDRESS). */
  appPort: number;
  /** Current sshd pid (changes after rotateHostKey). */
  readonly sshdPid: number;
  /** Generates a new host key and restarts this host's sshd on the same address and port. */
  rotateHostKey(): Promise<string>;
}

export interface TestHosts {
  hosts: TestHost[];
  /** Client private key text (OpenSSH PEM armor). */
  clientPrivateKey: string;
  clientPrivateKeyPath: string;
  clientPassphrase?: string;
  clientPublicKey: string;
  /** known_hosts file listing every host as `[address]:port <key>`. */
  knownHostsPath: string;
  rootDir: string;
  /** Directory with the `pm2` symlink that remote shells find on PATH. */
  binDir: string;
  /** Kills every sshd and pm2 daemon started here (by pid) and removes the temp dirs. */
  stop(): Promise<void>;
}

function nthAddress(base: string, i: number): string {
  const parts = base.split('.').map((p) => Number.parseInt(p, 10));
  if (parts.length !== 4 || parts[0] !== 127 || parts.some((p) => !Number.isInteger(p))) {
    throw new Error(`baseAddress must be an IPv4 loopback address, got ${base}`);
  }
  const last = (parts[3] ?? 0) + i;
  if (last > 254) throw new Error('too many hosts for this base address');
  return `${parts[0]}.${parts[1]}.${parts[2]}.${last}`;
}

interface HostState {
  name: string;
  address: string;
  port: number;
  dir: string;
  baseDir: string;
  pm2Home: string;
  appPort: number;
  hostKey: GeneratedKey;
  child: ChildProcess | null;
  keyGeneration: number;
}

function sshdConfig(h: HostState, authorizedKeys: string, binDir: string | null): string {
  const env = [
    'SHLVL=1', // bash then skips root's ~/.bashrc (pyenv init), as on a clean server
    `PATH=${binDir === null ? '' : `${binDir}:`}/usr/local/bin:/usr/bin:/bin`,
    `PM2_HOME=${h.pm2Home}`,
    'PM2_DISCRETE_MODE=true',
    `PORT=${h.appPort}`,
    `BIND_ADDRESS=${h.address}`,
  ];
  return [
    `ListenAddress ${h.address}`,
    `Port ${h.port}`,
    `HostKey ${h.hostKey.privateKeyPath}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    'StrictModes no',
    `PidFile ${join(h.dir, 'sshd.pid')}`,
    'PrintMotd no',
    'X11Forwarding no',
    'Subsystem sftp internal-sftp',
    'MaxStartups 50:30:100',
    'MaxSessions 50',
    `SetEnv ${env.join(' ')}`,
    '',
  ].join('\n');
}

async function spawnSshd(h: HostState, configPath: string): Promise<void> {
  const child = spawn(SSHD_BIN, ['-D', '-f', configPath, '-E', join(h.dir, 'sshd.log')], {
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  h.child = child;
  await waitForPort(h.address, h.port, 10_000, () => exited);
}

async function stopSshd(h: HostState): Promise<void> {
  const child = h.child;
  if (!child?.pid) return;
  await killAndWait(child.pid, 'SIGTERM', 5000);
  h.child = null;
}

export async function startSshHosts(opts: StartSshHostsOptions): Promise<TestHosts> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error('count must be a positive integer');
  const rootDir = await mkdtemp(join(tmpdir(), 'wharf-hosts-'));
  const states: HostState[] = [];
  const stop = async (): Promise<void> => {
    for (const h of states) await stopSshd(h);
    for (const h of states) await stopPm2(h.pm2Home);
    await rm(rootDir, { recursive: true, force: true });
  };
  try {
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    const binDir = join(rootDir, 'bin');
    await linkPm2Bin(binDir);
    const pathBin = opts.withoutPm2 ? null : binDir;
    const client = await generateKey(join(rootDir, 'client_key'), {
      type: opts.clientKey?.type ?? 'ed25519',
      ...(opts.clientKey?.passphrase !== undefined ? { passphrase: opts.clientKey.passphrase } : {}),
      comment: 'wharf-test-client',
    });
    const authorizedKeys = join(rootDir, 'authorized_keys');
    await writeFile(authorizedKeys, `${client.publicKey}\n`, { mode: 0o600 });

    for (let i = 0; i < opts.count; i++) {
      const address = nthAddress(opts.baseAddress ?? '127.0.0.2', i);
      const dir = join(rootDir, `host-${i + 1}`);
      const baseDir = join(dir, 'app');
      const pm2Home = join(dir, 'pm2');
      await mkdir(baseDir, { recursive: true });
      await preparePm2Home(pm2Home);
      const hostKey = await generateKey(join(dir, 'ssh_host_ed25519_key'), { comment: `host-${i + 1}` });
      const h: HostState = {
        name: `host-${i + 1}`,
        address,
        port: 0,
        dir,
        baseDir,
        pm2Home,
        appPort: await freePort(address),
        hostKey,
        child: null,
        keyGeneration: 0,
      };
      states.push(h);
      const configPath = join(dir, 'sshd_config');
      // A free port can be taken between probing and binding: retry with a new one.
      for (let attempt = 1; ; attempt++) {
        h.port = await freePort(address);
        await writeFile(configPath, sshdConfig(h, authorizedKeys, pathBin));
        try {
          await spawnSshd(h, configPath);
          break;
        } catch (err) {
          await stopSshd(h);
          if (attempt >= 3) throw err;
        }
      }
    }

    const knownHostsPath = join(rootDir, 'known_hosts');
    const writeKnownHosts = (): Promise<void> =>
      writeFile(knownHostsPath, states.map((h) => `[${h.address}]:${h.port} ${h.hostKey.publicKey}\n`).join(''));
    await writeKnownHosts();

    const hosts: TestHost[] = states.map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      user: 'root' as const,
      baseDir: h.baseDir,
      pm2Home: h.pm2Home,
      appPort: h.appPort,
      get hostKeyFingerprint() {
        return h.hostKey.fingerprint;
      },
      get hostPublicKey() {
        return h.hostKey.publicKey;
      },
      get sshdPid() {
        return h.child?.pid ?? 0;
      },
      async rotateHostKey() {
        h.keyGeneration += 1;
        const keyPath = join(h.dir, `ssh_host_ed25519_key.${h.keyGeneration}`);
        h.hostKey = await generateKey(keyPath, { comment: `${h.name}-rotated` });
        await stopSshd(h);
        const configPath = join(h.dir, 'sshd_config');
        await writeFile(configPath, sshdConfig(h, authorizedKeys, pathBin));
        await spawnSshd(h, configPath);
        await writeKnownHosts();
        return h.hostKey.fingerprint;
      },
    }));

    return {
      hosts,
      clientPrivateKey: client.privateKey,
      clientPrivateKeyPath: client.privateKeyPath,
      ...(client.passphrase !== undefined ? { clientPassphrase: client.passphrase } : {}),
      clientPublicKey: client.publicKey,
      knownHostsPath,
      rootDir,
      binDir,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
