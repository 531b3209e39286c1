// The peer of bench/log-stream: the same work as Wharf's log pipeline with plain tools and no
// Wharf. A child process (forked by peer.mjs; it reads no environment, everything comes over
// IPC) that
//   - serves a plain socket.io server (namespace /live) whose viewers join one room,
//   - runs the producer with the OpenSSH client (`ssh ... <command>`),
//   - splits ssh's stdout into lines, numbers them (seq 1, 2, ...) and writes them as COPY
//     rows to one `psql` session (`\copy ... from stdin`, one COPY, committed at its end),
//     pausing ssh's stdout while psql's pipe is full,
//   - and emits the lines to the room in batches: what came within one tick (`tickMs` after the
//     first line of a batch; 0 = every read of ssh's stdout on its own), at most 5,000 lines
//     per message (Wharf's largest delivery), one socket.io broadcast each.
//
// IPC in:  { type: 'start', ssh: string[], psql: string[], psqlEnv, copyCommand, deploymentId, targetId, tickMs }
//          { type: 'go' }         start ssh and psql
//          { type: 'release' }    end the psql session (after the parent read its backend's CPU)
// IPC out: { type: 'listening', port } | { type: 'subscribers', n } | { type: 'pids', ssh, psql }
//          { type: 'copied', at, rows, ... }   psql reported the COPY (committed: autocommit)
//          { type: 'done', ... } | { type: 'error', message }
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

// socket.io (the server) is a dependency of apps/api, not of the bench: the same copy Wharf runs.
const { Server } = createRequire(new URL('../../apps/api/package.json', import.meta.url))('socket.io');

const ROOM = 'logs';
const MAX_LINES_PER_MESSAGE = 5000;
const send = (m) => process.send?.(m);
const fail = (err) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) });

/** utime+stime and cutime+cstime (children that ended and were reaped) of this process, seconds. */
function ownCpu() {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const x = f
    .slice(f.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return { self: (x[11] + x[12]) / 100, children: (x[13] + x[14]) / 100 };
}

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
const copyEscape = (t) =>
  /[\\\t\n\r]/.test(t)
    ? t.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c])
    : t;

let io = null;
let opts = null;

function listen() {
  const http = createServer();
  io = new Server(http, { path: '/socket.io', serveClient: false, transports: ['websocket'] });
  const nsp = io.of('/live');
  nsp.on('connection', (socket) => {
    socket.on('peer:subscribe', () => {
      void socket.join(ROOM);
      send({ type: 'subscribers', n: nsp.adapter.rooms.get(ROOM)?.size ?? 0 });
    });
  });
  http.listen(0, '127.0.0.1', () => send({ type: 'listening', port: http.address().port }));
  return nsp;
}

function go(nsp) {
  const { deploymentId, targetId } = opts;
  const psql = spawn('psql', opts.psql, { stdio: ['pipe', 'pipe', 'inherit'], env: opts.psqlEnv });
  const ssh = spawn('ssh', opts.ssh, { stdio: ['ignore', 'pipe', 'inherit'] });
  send({ type: 'pids', ssh: ssh.pid, psql: psql.pid });
  const cpu = { atGo: ownCpu(), sshEnded: null, psqlEnded: null };
  let seq = 0;
  let rest = '';
  let firstReadAt = null;
  let lastReadAt = null;
  let messages = 0;
  let pauses = 0;

  // psql reads the COPY data from its script input, ended by "\."; the session stays open
  // until the parent has read its backend's CPU (a backend that ended could not be read).
  psql.stdin.on('error', fail); // psql gone early: its exit code tells why
  psql.stdin.write(`${opts.copyCommand}\n`);
  let psqlOut = '';
  psql.stdout.setEncoding('utf8');
  psql.stdout.on('data', (s) => {
    psqlOut += s;
    const m = /^COPY (\d+)$/m.exec(psqlOut);
    if (m && !cpu.copiedAt) {
      cpu.copiedAt = Date.now();
      send({ type: 'copied', at: cpu.copiedAt, rows: Number(m[1]) });
    }
  });

  // Lines waiting for the tick: seq of the first, and their texts.
  let batchFirst = 0;
  let batch = [];
  let tick = null;
  const flush = () => {
    clearTimeout(tick);
    tick = null;
    for (let i = 0; i < batch.length; i += MAX_LINES_PER_MESSAGE) {
      nsp.to(ROOM).emit('peer:lines', { seq: batchFirst + i, texts: batch.slice(i, i + MAX_LINES_PER_MESSAGE) });
      messages++;
    }
    batch = [];
  };
  const emit = (first, texts) => {
    if (batch.length === 0) batchFirst = first;
    for (const t of texts) batch.push(t);
    if (batch.length >= MAX_LINES_PER_MESSAGE || !opts.tickMs) flush();
    else tick ??= setTimeout(flush, opts.tickMs);
  };

  ssh.stdout.setEncoding('utf8');
  ssh.stdout.on('data', (chunk) => {
    const now = Date.now();
    firstReadAt ??= now;
    lastReadAt = now;
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    if (parts.length === 0) return;
    // `at`: when this read took the lines in (Wharf's sink stamps its write() time), UTC
    // as Prisma keeps it in a timestamp-without-zone column.
    const at = new Date(now).toISOString();
    const first = seq + 1;
    let rows = '';
    for (const text of parts) rows += `${deploymentId}\t${++seq}\t${targetId}\tstdout\t${at}\t${copyEscape(text)}\n`;
    if (!psql.stdin.write(rows)) {
      pauses++;
      ssh.stdout.pause();
      psql.stdin.once('drain', () => ssh.stdout.resume());
    }
    emit(first, parts);
  });

  const sshDone = new Promise((resolve) => ssh.on('exit', (code, signal) => resolve({ code, signal })));
  const stdoutDone = new Promise((resolve) => ssh.stdout.on('end', resolve));
  const psqlDone = new Promise((resolve) => psql.on('exit', (code, signal) => resolve({ code, signal })));
  void (async () => {
    const ends = {};
    void stdoutDone.then(() => (ends.stdoutEndAt = Date.now()));
    const sshExit = await sshDone;
    ends.sshExitAt = Date.now();
    // Reaped: ssh's CPU is now in this process's cutime/cstime.
    cpu.sshEnded = ownCpu();
    await stdoutDone;
    if (rest) {
      // A last line without a newline: stored and sent as any other.
      const at = new Date().toISOString();
      psql.stdin.write(`${deploymentId}\t${++seq}\t${targetId}\tstdout\t${at}\t${copyEscape(rest)}\n`);
      emit(seq, [rest]);
      rest = '';
    }
    flush();
    psql.stdin.write('\\.\n');
    ends.copyEndSentAt = Date.now();
    const psqlExit = await psqlDone;
    cpu.psqlEnded = ownCpu();
    send({
      type: 'done',
      lines: seq,
      sshExit,
      psqlExit,
      firstReadAt,
      lastReadAt,
      copiedAt: cpu.copiedAt ?? null,
      ...ends,
      messages,
      pauses,
      cpuSeconds: {
        ssh: round2(cpu.sshEnded.children - cpu.atGo.children),
        psql: round2(cpu.psqlEnded.children - cpu.sshEnded.children),
      },
    });
  })().catch(fail);
  return psql;
}

const round2 = (x) => Math.round(x * 100) / 100;

let psqlChild = null;
let nsp = null;
process.on('message', (m) => {
  try {
    if (m.type === 'start') {
      opts = m;
      nsp = listen();
    } else if (m.type === 'go') {
      psqlChild = go(nsp);
    } else if (m.type === 'release') {
      psqlChild?.stdin.end();
    }
  } catch (err) {
    fail(err);
  }
});
process.on('disconnect', () => {
  io?.close();
  process.exit(0);
});
