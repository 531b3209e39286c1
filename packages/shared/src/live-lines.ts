// The wire form of a batch of live log lines: column-wise, so the five keys of a line view are
// not repeated for every line, the time is a small number instead of a 24-character ISO
// string, and stream and target are run-length coded. A flood of short lines is then about a
// third of the JSON, which is what the api serializes once per batch and every viewer parses
// (bench/log-stream: JSON.parse was half of a viewer's CPU).
import type { LogLineView, LogStreamName } from './deployments.js';

export interface LinesWire {
  deploymentId: string;
  /** seq of the first line; the lines are consecutive. */
  seq: number;
  text: string[];
  /** Per line: its time in ms since the epoch minus the previous line's (the first: absolute). */
  at: number[];
  /** One character per line: o = stdout, e = stderr, s = system. */
  stream: string;
  /** Runs of lines with the same target: line count, then target id (or null), repeated. */
  targets: (number | string | null)[];
}

/** The wire's letter for each log stream (`LinesWire.stream`). */
export const STREAM_CODE: Record<LogStreamName, string> = { stdout: 'o', stderr: 'e', system: 's' };
const CODE_STREAM: Record<string, LogStreamName> = { o: 'stdout', e: 'stderr', s: 'system' };

/** Wire batches of `lines` (in seq order): a new one starts wherever the seq is not consecutive. */
export function encodeLines(deploymentId: string, lines: readonly LogLineView[]): LinesWire[] {
  const out: LinesWire[] = [];
  let w: LinesWire | null = null;
  let prevMs = 0;
  let prevIso = '';
  let prevMsAbs = 0;
  let prevTarget: string | null | undefined;
  for (const l of lines) {
    if (!w || l.seq !== w.seq + w.text.length) {
      w = { deploymentId, seq: l.seq, text: [], at: [], stream: '', targets: [] };
      out.push(w);
      prevMs = 0;
      prevTarget = undefined;
    }
    // Lines of one millisecond share one ISO string: parse it once.
    const ms = l.at === prevIso ? prevMsAbs : Date.parse(l.at);
    prevIso = l.at;
    prevMsAbs = ms;
    w.at.push(ms - prevMs);
    prevMs = ms;
    w.text.push(l.text);
    w.stream += STREAM_CODE[l.stream] ?? 'o';
    if (l.targetId === prevTarget) (w.targets[w.targets.length - 2] as number)++;
    else w.targets.push(1, l.targetId);
    prevTarget = l.targetId;
  }
  return out;
}
/** The line views of a wire batch. */
export function decodeLines(w: LinesWire): LogLineView[] {
  const n = w.text.length;
  const out = new Array<LogLineView>(n);
  let ms = 0;
  let iso = '';
  let isoMs = Number.NaN;
  let run = 0;
  let runLeft = 0;
  let targetId: string | null = null;
  for (let i = 0; i < n; i++) {
    ms += w.at[i]!;
    if (ms !== isoMs) {
      iso = new Date(ms).toISOString();
      isoMs = ms;
    }
    if (runLeft === 0) {
      runLeft = w.targets[run] as number;
      targetId = w.targets[run + 1] as string | null;
      run += 2;
    }
    runLeft--;
    out[i] = { seq: w.seq + i, targetId, stream: CODE_STREAM[w.stream[i]!] ?? 'stdout', at: iso, text: w.text[i]! };
  }
  return out;
}
