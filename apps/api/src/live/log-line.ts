// One log line as it travels through the pipeline (sink → Postgres → Redis stream →
// gateway → browser), plus the Redis names both ends must agree on.
import { decodeLines, type LinesWire, type LogLineView, type LogStreamName } from '@wharf/shared';

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
 * Fields of a batch entry (one per stored batch, id `0-<seq of its last line>`): the columns of
 * a LinesWire (packages/shared, live-lines.ts), each its own field. Older workers wrote `b` (a
 * JSON array of line views) or one line per entry (`l`): still read.
 */
export const STREAM_WIRE_FIELDS = { seq: 'q', text: 't', at: 'a', stream: 's', targets: 'g' } as const;
const STREAM_BATCH_FIELD = 'b';

/**
 * JSON.stringify(toLineView(l)), written out: no intermediate object per line, and the ISO
 * time given by the caller (the sink shares one per millisecond) instead of a new one.
 */
export function encodeStreamLine(l: SequencedLine, atIso: string = l.at.toISOString()): string {
  const target = l.targetId === null ? 'null' : JSON.stringify(l.targetId);
  return `{"seq":${l.seq},"targetId":${target},"stream":${JSON.stringify(l.stream)},"at":"${atIso}","text":${JSON.stringify(l.text)}}`;
}

/** The lines of a stream entry, in order; null if unreadable. */
export function decodeStreamEntry(fields: string[]): LogLineView[] | null {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  try {
    const text = f.get(STREAM_WIRE_FIELDS.text);
    if (text !== undefined) {
      const wire: LinesWire = {
        deploymentId: '',
        seq: Number(f.get(STREAM_WIRE_FIELDS.seq)),
        text: JSON.parse(text) as string[],
        at: JSON.parse(f.get(STREAM_WIRE_FIELDS.at) ?? '[]') as number[],
        stream: f.get(STREAM_WIRE_FIELDS.stream) ?? '',
        targets: JSON.parse(f.get(STREAM_WIRE_FIELDS.targets) ?? '[]') as LinesWire['targets'],
      };
      const n = wire.text.length;
      if (!Number.isInteger(wire.seq) || wire.at.length !== n || wire.stream.length !== n) return null;
      return decodeLines(wire);
    }
    const batch = f.get(STREAM_BATCH_FIELD);
    if (batch !== undefined) return JSON.parse(batch) as LogLineView[];
    const line = f.get(STREAM_FIELD);
    return line === undefined ? null : [JSON.parse(line) as LogLineView];
  } catch {
    return null;
  }
}

/** Seq of a stream entry id `0-<seq>`, or NaN. */
export function seqOfStreamId(id: string): number {
  const dash = id.indexOf('-');
  return dash < 0 ? Number.NaN : Number(id.slice(dash + 1));
}
