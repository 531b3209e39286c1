// One authenticated SSH connection with a pinned host key. Never trusts on first use:
// the caller passes the fingerprint it stored when the target was added.
import { Client, type ConnectConfig } from 'ssh2';
import { AuthFailedError, CancelledError, ExecutorError, HostKeyMismatchError, UnreachableError } from './errors.js';
import { fingerprintOfKeyBlob, keyTypeOfKeyBlob, normalizeFingerprint } from './host-key.js';

export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  passphrase?: string;
  /** `SHA256:...` fingerprint the server's host key must have. */
  pinnedHostKey: string;
  /** TCP connect + handshake + auth. Default 15 s. */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface SshConnection {
  readonly client: Client;
  readonly host: string;
  readonly port: number;
  readonly hostKeyFingerprint: string;
  readonly closed: boolean;
  /** Resolves once the connection has closed. */
  readonly closedPromise: Promise<void>;
  close(): void;
}

type ErrLike = Error & { code?: string; level?: string };

function mapConnectError(err: ErrLike, host: string, port: number, username: string): ExecutorError {
  if (err instanceof ExecutorError) return err;
  if (err.level === 'client-authentication')
    return new AuthFailedError(host, port, username, 'the server rejected the key');
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT') {
    return new UnreachableError(host, port, 'timeout', 'no SSH handshake within the connect timeout');
  }
  if (err.code === 'ECONNREFUSED') return new UnreachableError(host, port, 'refused', 'connection refused');
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.level === 'client-dns') {
    return new UnreachableError(host, port, 'dns', 'host name does not resolve');
  }
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE')
    return new UnreachableError(host, port, 'reset', 'connection reset');
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
    return new UnreachableError(host, port, 'other', 'no route to host');
  }
  return new UnreachableError(host, port, 'other', err.message);
}

/** ssh2 throws synchronously on unreadable keys; its messages carry no key material. */
function keyParseError(err: unknown, host: string, port: number, username: string): ExecutorError {
  const msg = err instanceof Error ? err.message : String(err);
  const hint = /passphrase|encrypted|decrypt/i.test(msg)
    ? 'the private key is encrypted and the passphrase is missing or wrong'
    : 'the private key could not be parsed';
  return new AuthFailedError(host, port, username, hint);
}

export function connectSsh(opts: SshConnectOptions): Promise<SshConnection> {
  const { host, port, username } = opts;
  const pinned = normalizeFingerprint(opts.pinnedHostKey);
  if (opts.signal?.aborted) return Promise.reject(new CancelledError('connect'));

  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: string | null = null;
    let settled = false;
    let closed = false;
    let markClosed: () => void = () => {};
    const closedPromise = new Promise<void>((r) => (markClosed = r));

    const onAbort = (): void => fail(new CancelledError('connect'));
    const fail = (e: ExecutorError): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      client.end();
      client.destroy();
      reject(e);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    client.on('close', () => {
      closed = true;
      markClosed();
      // Closed before 'ready': the handshake never finished.
      if (!settled) {
        fail(
          offered && offered !== pinned
            ? new HostKeyMismatchError(host, port, pinned, offered)
            : new UnreachableError(host, port, 'other', 'connection closed during handshake'),
        );
      }
    });
    client.on('error', (err: ErrLike) => {
      if (settled) return; // later errors surface through channel/close handling
      if (offered && offered !== pinned) return fail(new HostKeyMismatchError(host, port, pinned, offered));
      fail(mapConnectError(err, host, port, username));
    });
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({
        client,
        host,
        port,
        hostKeyFingerprint: offered ?? pinned,
        get closed() {
          return closed;
        },
        closedPromise,
        close: () => client.end(),
      });
    });

    const config: ConnectConfig = {
      host,
      port,
      username,
      privateKey: opts.privateKey,
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
      readyTimeout: opts.connectTimeoutMs ?? 15_000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      // Only the pinned key is accepted; a mismatch aborts the handshake before auth.
      hostVerifier: (key: Buffer) => {
        offered = fingerprintOfKeyBlob(key);
        return offered === pinned;
      },
    };
    try {
      client.connect(config);
    } catch (err) {
      fail(keyParseError(err, host, port, username));
    }
  });
}

export interface HostKeyProbe {
  fingerprint: string;
  /** e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `rsa-sha2-512` host key algorithm's key type. */
  keyType: string;
}

/**
 * Reads a server's host key without authenticating (for "Test connection" and for pinning
 * a new target). The handshake is stopped as soon as the key is seen.
 */
export function probeHostKey(host: string, port: number, timeoutMs = 10_000): Promise<HostKeyProbe> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: HostKeyProbe | null = null;
    let done = false;
    const finish = (err: ExecutorError | null): void => {
      if (done) return;
      done = true;
      client.destroy();
      if (seen) resolve(seen);
      else
        reject(
          err ?? new UnreachableError(host, port, 'other', 'server closed the connection before showing a host key'),
        );
    };
    client.on('error', (err: ErrLike) => finish(mapConnectError(err, host, port, 'probe')));
    client.on('close', () => finish(null));
    client.on('ready', () => finish(null));
    client.connect({
      host,
      port,
      username: 'wharf-host-key-probe',
      readyTimeout: timeoutMs,
      // Refuse every key: we only want to look at it, never to log in.
      hostVerifier: (key: Buffer) => {
        seen = { fingerprint: fingerprintOfKeyBlob(key), keyType: keyTypeOfKeyBlob(key) };
        setImmediate(() => finish(null));
        return false;
      },
    });
  });
}
