// A child process holding some of the benchmark's socket.io viewers (forked by run.mjs; it
// reads no environment, everything comes over IPC). Each viewer signs in on its own
// (POST /api/v1/auth/login), connects to /live with its session cookie, subscribes, and
// records every seq it gets: duplicates, holes, and for the producer's lines the latency
// from print to arrival (1 ms buckets).
//
// With `peer: true` the viewers watch the peer's plain socket.io server (peer-server.mjs)
// instead: no sign-in, `peer:subscribe` and `peer:lines` ({ seq, texts }), whose texts they
// turn into line views as they do Wharf's wire batches; the counting is the same.
//
// IPC in:  { type: 'start', url, email, password, count, maxLatencyMs, peer? }
//          { type: 'subscribe', deploymentId }
//          { type: 'finish', maxSeq }
// IPC out: { type: 'ready' } | { type: 'progress', received: number[] } | { type: 'result', ... } | { type: 'error', message }
import { io } from 'socket.io-client';
// The dashboard's own decoder of the wire batches (packages/shared, built with the API).
import { decodeLines } from '../../packages/shared/dist/index.js';
import { parseProducerLine } from './producer.mjs';

const send = (m) => process.send?.(m);
let viewers = [];
let hist = null;
let overflow = 0;
let deploymentId = null;
let progressTimer = null;
let peerMode = false;

class Viewer {
  /** `cookie`: Wharf's session cookie; null for the peer, which has no sign-in. */
  constructor(url, cookie) {
    this.seen = new Uint8Array(1 << 21);
    this.received = 0;
    this.duplicates = 0;
    this.outOfOrder = 0;
    this.maxSeq = 0;
    this.contiguous = 0; // every seq up to here has arrived
    this.connects = 0;
    this.disconnects = [];
    this.errors = [];
    this.producerLines = 0;
    this.firstProducerAt = null;
    this.lastProducerAt = null;
    this.socket = io(`${url}/live`, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      // A viewer that drops comes back and asks for what follows its last contiguous seq,
      // as the dashboard does. Bounded: at most 20 tries.
      reconnection: true,
      reconnectionAttempts: 20,
      reconnectionDelay: 200,
      ...(cookie ? { extraHeaders: { cookie } } : {}),
    });
    this.socket.on('connect', () => {
      this.connects++;
      if (deploymentId) this.subscribe();
    });
    this.socket.on('disconnect', (reason) => this.disconnects.push({ at: Date.now(), reason }));
    this.socket.on('deployment:error', (e) => this.errors.push(e?.message ?? String(e)));
    this.socket.on('deployment:lines', (p) => this.onWire(p));
    this.socket.on('peer:lines', (p) => this.onPeerBatch(p));
  }

  connected() {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      const timer = setTimeout(() => reject(new Error('socket.io connect timed out')), 30_000);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  subscribe() {
    // The peer keeps no history: a viewer that reconnects misses what it did not get.
    if (peerMode) this.socket.emit('peer:subscribe');
    else this.socket.emit('deployment:subscribe', { deploymentId, afterSeq: this.contiguous });
  }

  onWire(wire) {
    if (wire.deploymentId !== deploymentId) return;
    // Line views, as the dashboard makes them from a wire batch.
    this.onViews(decodeLines(wire));
  }

  /** The peer's batch: consecutive seqs from `seq`, stdout lines. */
  onPeerBatch({ seq, texts }) {
    this.onViews(texts.map((text, i) => ({ seq: seq + i, stream: 'stdout', text })));
  }

  onViews(views) {
    const now = Date.now();
    for (const l of views) {
      const seq = l.seq;
      if (seq >= this.seen.length) {
        const bigger = new Uint8Array(Math.max(seq + 1, this.seen.length * 2));
        bigger.set(this.seen);
        this.seen = bigger;
      }
      if (this.seen[seq]) {
        this.duplicates++;
        continue;
      }
      this.seen[seq] = 1;
      this.received++;
      if (seq < this.maxSeq) this.outOfOrder++;
      if (seq > this.maxSeq) this.maxSeq = seq;
      while (this.seen[this.contiguous + 1]) this.contiguous++;
      if (l.stream === 'stdout') {
        const pl = parseProducerLine(l.text);
        if (pl) {
          this.producerLines++;
          this.firstProducerAt ??= now;
          this.lastProducerAt = now;
          const ms = now - pl.ts;
          if (ms >= 0 && ms < hist.length) hist[ms]++;
          else overflow++;
        }
      }
    }
  }

  result(maxSeq) {
    let missing = 0;
    for (let s = 1; s <= maxSeq; s++) if (!this.seen[s]) missing++;
    let beyond = 0;
    for (let s = maxSeq + 1; s < this.seen.length; s++) if (this.seen[s]) beyond++;
    return {
      received: this.received,
      duplicates: this.duplicates,
      missing,
      beyondMaxSeq: beyond,
      outOfOrder: this.outOfOrder,
      producerLines: this.producerLines,
      firstProducerAt: this.firstProducerAt,
      lastProducerAt: this.lastProducerAt,
      connects: this.connects,
      disconnects: [...this.disconnects],
      errors: this.errors.slice(0, 5),
    };
  }
}

async function login(url, email, password) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`login failed (${res.status})`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('wharf_session='));
  if (!cookie) throw new Error('login: no wharf_session cookie');
  return cookie;
}

process.on('message', (m) => {
  void (async () => {
    try {
      if (m.type === 'start') {
        hist = new Uint32Array(m.maxLatencyMs);
        peerMode = m.peer === true;
        for (let i = 0; i < m.count; i++)
          viewers.push(new Viewer(m.url, peerMode ? null : await login(m.url, m.email, m.password)));
        await Promise.all(viewers.map((v) => v.connected()));
        send({ type: 'ready' });
      } else if (m.type === 'subscribe') {
        deploymentId = m.deploymentId;
        for (const v of viewers) v.subscribe();
        progressTimer = setInterval(() => send({ type: 'progress', received: viewers.map((v) => v.received) }), 250);
      } else if (m.type === 'finish') {
        clearInterval(progressTimer);
        const results = viewers.map((v) => v.result(m.maxSeq));
        const buckets = [];
        for (let i = 0; i < hist.length; i++) if (hist[i]) buckets.push([i, hist[i]]);
        for (const v of viewers) v.socket.disconnect();
        viewers = [];
        send({ type: 'result', viewers: results, buckets, overflow });
        process.disconnect?.();
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
