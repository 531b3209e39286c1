import { describe, expect, it } from 'vitest';
import type { LogLineView } from './deployments.js';
import { decodeLines, encodeLines } from './live-lines.js';

const T1 = '11111111-2222-4333-8444-555555555555';
const T2 = '0b8c3f9e-6a7d-4d8e-9f10-1a2b3c4d5e6f';

function line(
  seq: number,
  at: string,
  targetId: string | null,
  stream: LogLineView['stream'],
  text: string,
): LogLineView {
  return { seq, targetId, stream, at, text };
}

describe('encodeLines / decodeLines', () => {
  it('round-trips awkward lines, times, streams and target runs', () => {
    const lines = [
      line(5, '2026-12-01T08:00:00.123Z', null, 'system', 'Releasing 1.0'),
      line(6, '2026-12-01T08:00:00.123Z', T1, 'stdout', 'tab\there "quotes" \\ ünï 🚀'),
      line(7, '2026-12-01T08:00:00.124Z', T1, 'stderr', ''),
      line(8, '2026-12-01T07:59:59.999Z', T2, 'stdout', '\u2028'),
      line(9, '2026-12-01T08:00:01.000Z', null, 'system', 'done'),
    ];
    const wire = encodeLines('d', lines);
    expect(wire).toHaveLength(1);
    expect(wire[0]).toMatchObject({
      deploymentId: 'd',
      seq: 5,
      stream: 'soeos',
      targets: [1, null, 2, T1, 1, T2, 1, null],
    });
    // Through JSON, as socket.io sends it.
    expect(decodeLines(JSON.parse(JSON.stringify(wire[0])))).toEqual(lines);
  });

  it('starts a new batch where the seq is not consecutive', () => {
    const at = '2026-12-01T08:00:00.000Z';
    const lines = [
      line(1, at, null, 'stdout', 'a'),
      line(2, at, null, 'stdout', 'b'),
      line(4, at, null, 'stdout', 'd'),
    ];
    const wire = encodeLines('d', lines);
    expect(wire.map((w) => [w.seq, w.text])).toEqual([
      [1, ['a', 'b']],
      [4, ['d']],
    ]);
    expect(wire.flatMap(decodeLines)).toEqual(lines);
  });

  it('is much smaller than the line views for a flood of short lines', () => {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      line(i + 1, new Date(1764576000000 + Math.floor(i / 30)).toISOString(), null, 'stdout', `${i} 1764576000000`),
    );
    const wire = JSON.stringify(encodeLines('d', lines)[0]);
    expect(wire.length).toBeLessThan(JSON.stringify(lines).length / 3);
  });
});
