#!/usr/bin/env node
// What opening one SSH connection costs Wharf's worker against the floor's OpenSSH client,
// on loopback test hosts: `rounds` times, `concurrency` connections at once (as a full
// sliding window opens them), each connect + one `true` + close. Wharf's side runs in a child
// process at `nice` (the worker's default is +10) through the executor's own connectSsh and
// execRemote; the floor's is `ssh ... true` at nice 0, as floor.sh runs it. Prints wall ms per
// connection (median, p90) and CPU ms per connection, client side (reaped by this process)
// and sshd side (the hosts' listeners' reaped children).
//
//   node bench/ssh-fanout/connect-cost.mjs [concurrency=10] [rounds=5] [nice=10]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { startSshHosts } from '@wharf/test-hosts';
import { hostCpu, reapedByUs } from './cpu-accounting.mjs';

const [concurrency = 10, rounds = 5, nice = 10] = process.argv.slice(2).map(Number);

// The child: the worker's code path for a connection (pinned host key, key auth, one exec).
const CHILD = `
import { connectSsh, execRemote, sh } from '@wharf/executors';
const { hosts, key, rounds } = JSON.parse(process.argv[1]);
const times = [];
for (let r = 0; r < rounds; r++) {
  await Promise.all(hosts.map(async (h) => {
    const t = performance.now();
    const c = await connectSsh({ host: h.address, port: h.port, username: 'root', privateKey: key, pinnedHostKey: h.fp });
    await execRemote(c, sh\`true\`);
    c.close();
    times.push(performance.now() - t);
  }));
}
process.stdout.write(JSON.stringify(times));
`;

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (b) => (out += b));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

/** Runs `fn`, returning its result and the client and sshd CPU seconds it cost. */
async function measured(hosts, fn) {
  const c0 = reapedByUs();
  const s0 = hostCpu(hosts).sshd;
  await new Promise((r) => setTimeout(r, 200)); // let the listeners reap earlier sessions
  const times = await fn();
  await new Promise((r) => setTimeout(r, 300));
  return { times, client: reapedByUs() - c0, sshd: hostCpu(hosts).sshd - s0 };
}

const hosts = await startSshHosts({ count: concurrency, baseAddress: '127.0.8.10' });
try {
  const list = hosts.hosts.map((h) => ({ address: h.address, port: h.port, fp: h.hostKeyFingerprint }));
  const wharf = await measured(hosts, async () =>
    JSON.parse(
      await run(
        'nice',
        [
          '-n',
          String(nice),
          process.execPath,
          '--input-type=module',
          '-e',
          CHILD,
          JSON.stringify({ hosts: list, key: hosts.clientPrivateKey, rounds }),
        ],
        new URL('.', import.meta.url).pathname,
      ),
    ),
  );
  const floor = await measured(hosts, async () => {
    const times = [];
    for (let r = 0; r < rounds; r++) {
      await Promise.all(
        hosts.hosts.map(async (h) => {
          const t = performance.now();
          await run('ssh', [
            '-i',
            hosts.clientPrivateKeyPath,
            '-p',
            String(h.port),
            '-o',
            'BatchMode=yes',
            '-o',
            'StrictHostKeyChecking=yes',
            '-o',
            `UserKnownHostsFile=${hosts.knownHostsPath}`,
            '-o',
            'LogLevel=ERROR',
            `root@${h.address}`,
            'true',
          ]);
          times.push(performance.now() - t);
        }),
      );
    }
    return times;
  });
  const n = concurrency * rounds;
  console.log(`${concurrency} connections at once, ${rounds} rounds, load ${loadavg()[0].toFixed(2)} at the end`);
  for (const [name, m] of [
    [`wharf (ssh2 in node, nice ${nice}; incl. node start)`, wharf],
    ['floor (OpenSSH client, nice 0)', floor],
  ]) {
    console.log(
      `${name}: wall per connection median ${pct(m.times, 0.5).toFixed(0)} ms, p90 ${pct(m.times, 0.9).toFixed(0)} ms; ` +
        `CPU per connection: client ${((m.client * 1000) / n).toFixed(1)} ms, sshd side ${((m.sshd * 1000) / n).toFixed(1)} ms`,
    );
  }
} finally {
  await hosts.stop();
}
