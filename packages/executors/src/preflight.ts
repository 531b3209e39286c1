// "Test connection" as a preflight: the checks a release depends on, each passed, failed or
// skipped with a message, so a wrong credential or a missing tool shows up before a release
// does. Credentials are only ever sent to a host whose key matches the approved one.
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import type { PreflightCheckName, PreflightCheckView } from '@wharf/shared';
import { BoundedOutput, firstLine } from './bounded-output.js';
import { ExecutorError } from './errors.js';
import { createMasker } from './masking.js';
import { sh, type ShellCommand } from './shell-quote.js';
import { connectSsh, probeHostKey, type HostKeyProbe, type SshConnection } from './ssh-connection.js';

export interface PreflightInput {
  host: string;
  port: number;
  user: string;
  baseDir: string;
  /** The approved fingerprint, or null if none is approved yet. */
  pinnedHostKey: string | null;
  /** The target's credential, or null if it has none. */
  credential: { privateKey: string; passphrase?: string } | null;
  /** Per network step (connect, handshake, each command). Default 10 s. */
  timeoutMs?: number;
}

export interface PreflightResult {
  checks: PreflightCheckView[];
  /** The host key the host offered, when one could be read. */
  offered: HostKeyProbe | null;
}

/** What a release runs on the host (README: "Remote hosts need ..."). */
const REQUIRED_COMMANDS = ['node', 'pm2', 'tar', 'sha256sum', 'setsid'] as const;
/** The checksum step falls back to `shasum -a 256` where there is no sha256sum. */
const ALTERNATIVES: Partial<Record<(typeof REQUIRED_COMMANDS)[number], string>> = { sha256sum: 'shasum' };
const MAX_OUTPUT = 16 * 1024;

function errorText(err: unknown): string {
  if (err instanceof ExecutorError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** TCP connect only: tells "nothing listens / no route" apart from SSH problems. */
function tcpReachable(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    let settled = false;
    const done = (problem: string | null): void => {
      socket.destroy();
      if (settled) return;
      settled = true;
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    // `on`, not `once`: a late error after the verdict must not go unhandled.
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

/**
 * Runs a short command without the setsid wrapper the deploy steps use (setsid itself is
 * one of the things checked), collecting bounded output.
 */
function execPlain(
  conn: SshConnection,
  cmd: ShellCommand,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    if (conn.closed) return reject(new Error('the connection closed'));
    conn.client.exec(cmd.text, (err, channel) => {
      if (err) return reject(err);
      const stdout = new BoundedOutput(MAX_OUTPUT);
      const stderr = new BoundedOutput(MAX_OUTPUT);
      let code: number | null = null;
      const timer = setTimeout(() => {
        channel.close();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      channel.on('data', (b: Buffer) => stdout.push(b));
      channel.stderr.on('data', (b: Buffer) => stderr.push(b));
      channel.on('exit', (c: number | null) => {
        code = c;
      });
      channel.on('close', () => {
        clearTimeout(timer);
        resolve({ code, stdout: stdout.text(), stderr: stderr.text() });
      });
      channel.end();
    });
  });
}

export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const timeoutMs = input.timeoutMs ?? 10_000;
  const { host, port } = input;
  const checks: PreflightCheckView[] = [];
  let offered: HostKeyProbe | null = null;
  // Messages come from ssh2 and the host's shell: never let key material through.
  const mask = createMasker([input.credential?.privateKey, input.credential?.passphrase]);
  const add = (name: PreflightCheckName, status: PreflightCheckView['status'], message: string): void => {
    checks.push({ name, status, message: mask(message) });
  };
  const skipRest = (from: PreflightCheckName, why: string): PreflightResult => {
    const names: PreflightCheckName[] = ['reachable', 'host_key', 'login', 'commands', 'base_dir'];
    for (const name of names.slice(names.indexOf(from))) add(name, 'skipped', why);
    return { checks, offered };
  };

  const unreachable = await tcpReachable(host, port, timeoutMs);
  if (unreachable !== null) {
    add('reachable', 'failed', `cannot open a TCP connection to ${host}:${port}: ${unreachable}`);
    return skipRest('host_key', 'not tried: the host is not reachable');
  }
  add('reachable', 'passed', `${host}:${port} accepts TCP connections`);

  try {
    offered = await probeHostKey(host, port, timeoutMs);
  } catch (err) {
    add('host_key', 'failed', `no SSH host key offered: ${errorText(err)}`);
    return skipRest('login', 'not tried: no SSH host key could be read');
  }
  const fp = offered.fingerprint;
  if (input.pinnedHostKey === null) {
    add('host_key', 'failed', `not approved yet: the host offers ${fp} (${offered.keyType}); approve it to continue`);
    return skipRest('login', 'not tried until the host key is approved (credentials go only to an approved host)');
  }
  if (input.pinnedHostKey !== fp) {
    add(
      'host_key',
      'failed',
      `the host offers ${fp}, but ${input.pinnedHostKey} is approved; if the host was rebuilt, approve the new key`,
    );
    return skipRest('login', 'not tried: the host key does not match the approved one');
  }
  add('host_key', 'passed', `the host offers the approved key ${fp}`);

  if (input.credential === null) {
    add('login', 'failed', 'the target has no SSH key credential');
    return skipRest('commands', 'not tried: no login');
  }
  let conn: SshConnection;
  try {
    conn = await connectSsh({
      host,
      port,
      username: input.user,
      privateKey: input.credential.privateKey,
      ...(input.credential.passphrase ? { passphrase: input.credential.passphrase } : {}),
      pinnedHostKey: input.pinnedHostKey,
      connectTimeoutMs: timeoutMs,
    });
  } catch (err) {
    add('login', 'failed', errorText(err));
    return skipRest('commands', 'not tried: the login failed');
  }
  try {
    add('login', 'passed', `logged in as ${input.user} with the target's credential`);
    await checkCommands(conn, timeoutMs, add, mask);
    await checkBaseDir(conn, input.baseDir, timeoutMs, add, mask);
  } finally {
    conn.close();
  }
  return { checks, offered };
}

type Add = (name: PreflightCheckName, status: PreflightCheckView['status'], message: string) => void;
type Mask = (text: string) => string;

async function checkCommands(conn: SshConnection, timeoutMs: number, add: Add, mask: Mask): Promise<void> {
  // `command -v` in the login shell: the same PATH the release's commands get.
  const names = [...REQUIRED_COMMANDS, ...Object.values(ALTERNATIVES)];
  const cmd = sh`for c in ${names}; do if command -v "$c" >/dev/null 2>&1; then echo "found $c"; else echo "missing $c"; fi; done`;
  try {
    const r = await execPlain(conn, cmd, timeoutMs);
    const found = new Set(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('found '))
        .map((l) => l.slice('found '.length)),
    );
    const missing = REQUIRED_COMMANDS.filter((c) => !found.has(c) && !found.has(ALTERNATIVES[c] ?? c));
    if (r.code !== 0)
      add('commands', 'failed', `the check exited with code ${String(r.code)}: ${firstLine(r.stderr, mask)}`);
    else if (missing.length) add('commands', 'failed', `not found on the host's PATH: ${missing.join(', ')}`);
    else add('commands', 'passed', `found ${REQUIRED_COMMANDS.join(', ')}`);
  } catch (err) {
    add('commands', 'failed', `could not run the check: ${errorText(err)}`);
  }
}

async function checkBaseDir(
  conn: SshConnection,
  baseDir: string,
  timeoutMs: number,
  add: Add,
  mask: Mask,
): Promise<void> {
  const probe = `${baseDir.replace(/\/+$/, '')}/.wharf-preflight-${randomBytes(6).toString('hex')}`;
  const cmd = sh`mkdir -p -- ${baseDir} && ( set -C && : > ${probe} ) && rm -f -- ${probe}`;
  try {
    const r = await execPlain(conn, cmd, timeoutMs);
    if (r.code === 0) add('base_dir', 'passed', `${baseDir} exists and is writable`);
    else
      add(
        'base_dir',
        'failed',
        `${baseDir} cannot be created or written: ${firstLine(r.stderr, mask) || `exit code ${String(r.code)}`}`,
      );
  } catch (err) {
    add('base_dir', 'failed', `could not run the check: ${errorText(err)}`);
  }
}
