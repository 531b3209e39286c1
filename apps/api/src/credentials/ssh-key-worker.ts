// Parses a private key in a worker thread. Decrypting an OpenSSH key runs bcrypt-pbkdf in
// plain JS (ssh2), which takes seconds at ssh-keygen's default 16 rounds and grows with the
// key's own round count: done inline it would stall every request the API is serving.
// The key travels in memory (workerData), never argv; the worker returns only public data.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type SshKeyParse =
  | { ok: true; keys: number; isPrivate: boolean; publicSSH: Buffer }
  | { ok: false; reason: 'needs_passphrase' | 'bad_passphrase' | 'unsupported' | 'timeout' };

const ssh2Path = createRequire(import.meta.url).resolve('ssh2');

// CommonJS, evaluated in the worker. ssh2's own error messages never leave it: only a reason code.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let out;
try {
  const { utils } = require(workerData.ssh2Path);
  const parsed = utils.parseKey(workerData.value, workerData.passphrase);
  if (parsed instanceof Error) {
    const m = parsed.message;
    out = { ok: false, reason: /no passphrase given/i.test(m) ? 'needs_passphrase'
      : workerData.passphrase && /passphrase/i.test(m) ? 'bad_passphrase' : 'unsupported' };
  } else {
    const keys = Array.isArray(parsed) ? parsed : [parsed];
    out = { ok: true, keys: keys.length, isPrivate: keys[0].isPrivateKey(), publicSSH: keys[0].getPublicSSH() };
  }
} catch {
  out = { ok: false, reason: 'unsupported' };
}
parentPort.postMessage(out);
`;

export function parseSshKeyOffThread(
  value: string,
  passphrase: string | undefined,
  timeoutMs = 60_000,
): Promise<SshKeyParse> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ssh2Path, value, passphrase: passphrase || undefined },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ ok: false, reason: 'timeout' });
    }, timeoutMs);
    worker.once('message', (msg: SshKeyParse) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(msg.ok ? { ...msg, publicSSH: Buffer.from(msg.publicSSH) } : msg);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      // Only the error's class, never its text: it could quote the input.
      reject(new Error(`ssh key parser worker failed (${err.name})`));
    });
  });
}
