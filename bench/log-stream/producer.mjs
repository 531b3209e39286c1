// The remote command of the benchmark (the deployment's post-command): prints `lines` lines
// "<n> <Date.now() when printed>" to stdout, as fast as it can or at `rate` lines/s. The host
// shares this machine's clock, so a client can compute print-to-screen latency per line.
//
// Writes go through fs.writeSync in chunks of up to 16 KiB: a full pipe blocks the writer,
// so every timestamp is taken when its line is really handed to the pipe, not queued in Node.
const SCRIPT = `
const fs = require("fs");
const n = __N__, rate = __RATE__, t0 = Date.now();
const out = (s) => { const b = Buffer.from(s); let o = 0;
  while (o < b.length) { try { o += fs.writeSync(1, b, o); } catch (e) { if (e.code !== "EAGAIN") throw e; } } };
const nap = new Int32Array(new SharedArrayBuffer(4));
let i = 1, buf = "";
while (i <= n) {
  const upTo = rate ? Math.min(n, Math.floor(((Date.now() - t0) * rate) / 1000) + 1) : Math.min(n, i + 799);
  for (; i <= upTo; i++) buf += i + " " + Date.now() + "\\n";
  if (buf) { out(buf); buf = ""; }
  if (rate && i <= n) Atomics.wait(nap, 0, 0, 2);
}`;

/** The post-command text: `node -e '<script>'` (the script holds no single quote). */
export function producerCommand(lines, rate) {
  if (!Number.isInteger(lines) || !Number.isInteger(rate)) throw new TypeError('lines and rate must be integers');
  const js = SCRIPT.replace('__N__', String(lines))
    .replace('__RATE__', String(rate))
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  if (js.includes("'")) throw new Error('producer script must not contain a single quote');
  const cmd = `node -e '${js}'`;
  if (cmd.length > 1000) throw new Error(`post-command is ${cmd.length} chars; the API allows 1000`);
  return cmd;
}

/** Parses "<n> <ms>" lines of the producer; null for any other line. */
export function parseProducerLine(text) {
  const sp = text.indexOf(' ');
  if (sp <= 0 || text.length - sp !== 14) return null;
  const n = Number(text.slice(0, sp));
  const ts = Number(text.slice(sp + 1));
  return Number.isInteger(n) && Number.isInteger(ts) ? { n, ts } : null;
}
