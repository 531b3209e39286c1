// One log line as it travels through the pipeline (sink → Postgres → Redis stream →
// gateway → browser), plus the Redis names both ends must agree on.
import type { LogLineView, LogStreamName } from '@wharf/shared';

/** What an executor emits (structurally the executors' LogLine). */
export interface LogLineInput {
  targetId: string | null;
  stream: LogStreamName;
  text: string;
}

/** A sequenced, masked line, ready to store and publish. */
export interface SequencedLine {
  seq: number;
  targetId: string | null;
  stream: LogStreamName;
  at: Date;
  text: string;
}

/** Redis stream of a deployment's lines; entry ids are `0-<seq>`. */
export function logStreamKey(prefix: string, deploymentId: string): string {
  return `${prefix}:logs:${deploymentId}`;
}

export function toLineView(l: SequencedLine): LogLineView {
  return { seq: l.seq, targetId: l.targetId, stream: l.stream, at: l.at.toISOString(), text: l.text };
}

/** Stream entry field holding one JSON LogLineView (entries written before batch entries). */
export const STREAM_FIELD = 'l';
/**
 * Stream entry field holding a JSON array of consecutive LogLineViews: one entry per stored
 * batch, with id `0-<seq of its last line>` (one XADD per batch instead of one per line).
 */
export const STREAM_BATCH_FIELD = 'b';

/**
 * JSON.stringify(toLineView(l)), written out: no intermediate object per line, and the ISO
 * time given by the caller (the sink shares one per millisecond) instead of a new one.
 */
export function encodeStreamLine(l: SequencedLine, atIso: string = l.at.toISOString()): string {
  const target = l.targetId === null ? 'null' : JSON.stringify(l.targetId);
  return `{"seq":${l.seq},"targetId":${target},"stream":${JSON.stringify(l.stream)},"at":"${atIso}","text":${JSON.stringify(l.text)}}`;
}

/** The lines of a stream entry, in order (a batch entry or a single-line one); null if unreadable. */
export function decodeStreamEntry(fields: string[]): LogLineView[] | null {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const field = fields[i];
    if (field !== STREAM_BATCH_FIELD && field !== STREAM_FIELD) continue;
    try {
      const value = JSON.parse(fields[i + 1]!) as LogLineView | LogLineView[];
      return Array.isArray(value) ? value : [value];
    } catch {
      return null;
    }
  }
  return null;
}

/** Seq of a stream entry id `0-<seq>`, or NaN. */
export function seqOfStreamId(id: string): number {
  const dash = id.indexOf('-');
  return dash < 0 ? Number.NaN : Number(id.slice(dash + 1));
}
