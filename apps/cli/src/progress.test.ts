import { describe, expect, it } from 'vitest';
import {
  chooseMode,
  etaSeconds,
  formatBarLine,
  formatBytes,
  formatDuration,
  formatPlainLine,
  formatRate,
  percentOf,
  ProgressReporter,
  RateMeter,
  renderBar,
} from './progress.js';

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_536_000, '1.5 MB'],
    [999_960, '1.0 MB'],
    [8_388_731, '8.4 MB'],
    [1_073_741_824, '1.07 GB'],
    [12_345_678_901, '12.3 GB'],
    [-1, '?'],
  ])('formatBytes(%d) = %s', (n, s) => expect(formatBytes(n)).toBe(s));

  it('formats rates and durations', () => {
    expect(formatRate(85_300_000)).toBe('85.3 MB/s');
    expect(formatRate(0)).toBe('-- MB/s');
    expect(formatRate(Number.NaN)).toBe('-- MB/s');
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(6.4)).toBe('0:06');
    expect(formatDuration(62)).toBe('1:02');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(Number.NaN)).toBe('--:--');
    expect(formatDuration(Infinity)).toBe('--:--');
  });

  it('computes percent and ETA', () => {
    expect(percentOf(0, 100)).toBe(0);
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(0, 0)).toBe(100);
    expect(etaSeconds({ label: '', done: 250, total: 1000, rate: 50 })).toBe(15);
    expect(etaSeconds({ label: '', done: 250, total: 1000, rate: 0 })).toBeNaN();
  });

  it('renders a bar of the given width', () => {
    expect(renderBar(0, 12)).toBe('[----------]');
    expect(renderBar(0.5, 12)).toBe('[#####-----]');
    expect(renderBar(1, 12)).toBe('[##########]');
    expect(renderBar(7, 6)).toBe('[####]');
  });

  it('fits the bar line to the terminal', () => {
    const state = { label: 'uploading build.tgz', done: 420_000_000, total: 1_000_000_000, rate: 85_300_000 };
    const wide = formatBarLine(state, 120);
    expect(wide).toBe(
      `uploading build.tgz [${'#'.repeat(16)}${'-'.repeat(22)}]  42%  420.0 MB/1.00 GB  85.3 MB/s  ETA 0:07`,
    );
    for (const cols of [80, 60, 40, 20]) {
      const line = formatBarLine(state, cols);
      expect(line.length).toBeLessThan(cols);
    }
    expect(formatBarLine(state, 60)).toContain('42%');
  });

  it('formats the plain CI line', () => {
    expect(
      formatPlainLine({ label: 'uploading build.tgz', done: 420_000_000, total: 1_050_000_000, rate: 85_300_000 }),
    ).toBe('wharf: uploading build.tgz: 40% (420.0 MB of 1.05 GB, 85.3 MB/s, ETA 0:07)');
  });
});

describe('RateMeter', () => {
  it('measures over a sliding window', () => {
    const meter = new RateMeter(1000);
    expect(meter.rate()).toBe(0);
    meter.add(0, 0);
    meter.add(500, 1_000_000);
    expect(meter.rate()).toBe(2_000_000);
    // Slows down: old fast samples leave the window.
    meter.add(1000, 2_000_000);
    meter.add(2000, 2_100_000);
    meter.add(3000, 2_200_000);
    expect(meter.rate()).toBe(100_000);
  });
});

class Sink {
  out = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}
  write(s: string) {
    this.out += s;
  }
}

describe('ProgressReporter', () => {
  it('plain mode prints one line per 10% step, even with tiny updates', () => {
    const sink = new Sink(false);
    let t = 0;
    const p = new ProgressReporter(sink, 'plain', 'uploading f', 1000, () => t);
    for (let done = 1; done <= 1000; done++) {
      t += 1;
      p.update(done);
    }
    p.finish();
    const lines = sink.out.trim().split('\n');
    expect(lines.map((l) => /: (\d+)%/.exec(l)?.[1])).toEqual([
      '10',
      '20',
      '30',
      '40',
      '50',
      '60',
      '70',
      '80',
      '90',
      '100',
    ]);
    expect(lines[9]).toBe('wharf: uploading f: 100% (1.0 kB of 1.0 kB, 0.0 MB/s, ETA 0:00)');
  });

  it('plain mode prints only the latest step when one update crosses several', () => {
    const sink = new Sink(false);
    const p = new ProgressReporter(sink, 'plain', 'f', 100, () => 1);
    p.update(35);
    p.update(100);
    expect(
      sink.out
        .trim()
        .split('\n')
        .map((l) => /: (\d+)%/.exec(l)?.[1]),
    ).toEqual(['35', '100']);
  });

  it('bar mode redraws in place at most every 100 ms and ends the line', () => {
    const sink = new Sink(true, 100);
    let t = 0;
    const p = new ProgressReporter(sink, 'bar', 'f', 1_000_000, () => t);
    for (let i = 1; i <= 100; i++) {
      t += 10; // 1 s in total, 100 updates
      p.update(i * 10_000);
    }
    p.finish();
    const draws = sink.out.split('\r\x1b[K').filter(Boolean);
    // ~10 throttled draws, the forced one at 100%, and the final one from finish().
    expect(draws.length).toBeGreaterThanOrEqual(10);
    expect(draws.length).toBeLessThanOrEqual(13);
    expect(sink.out.endsWith('\n')).toBe(true);
    expect(draws.at(-1)).toContain('100%');
    expect(draws.at(-1)).toContain('1.0 MB/s');
  });

  it('none mode writes nothing', () => {
    const sink = new Sink(true);
    const p = new ProgressReporter(sink, 'none', 'f', 10, () => 0);
    p.update(5);
    p.update(10);
    p.finish();
    expect(sink.out).toBe('');
  });

  it('chooses the mode from the stream and --quiet', () => {
    expect(chooseMode(new Sink(true), false)).toBe('bar');
    expect(chooseMode(new Sink(false), false)).toBe('plain');
    expect(chooseMode(new Sink(true), true)).toBe('none');
  });
});
