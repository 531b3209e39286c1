// Upload progress on stderr: a redrawn bar on a terminal, plain lines every 10% otherwise
// (CI logs), nothing with --quiet. The formatting functions are pure for testing.

/** Decimal units, as network speeds are usually quoted: 1 MB = 1,000,000 bytes. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit >= 2 ? 2 : 1)} ${units[unit] as string}`;
}

export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '-- MB/s';
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
}

/** Seconds as m:ss or h:mm:ss; unknown as --:--. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function percentOf(done: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((done / total) * 100));
}

export function renderBar(fraction: number, width: number): string {
  const inner = Math.max(0, width - 2);
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(clamped * inner);
  return `[${'#'.repeat(filled)}${'-'.repeat(inner - filled)}]`;
}

export interface ProgressState {
  label: string;
  done: number;
  total: number;
  /** Bytes per second; 0 when not known yet. */
  rate: number;
}

export function etaSeconds(state: ProgressState): number {
  if (state.rate <= 0) return Number.NaN;
  return Math.max(0, state.total - state.done) / state.rate;
}

/** One terminal line, fitted to `columns`: label [####----] 42%  1.2/3.0 GB  85.3 MB/s  ETA 0:12 */
export function formatBarLine(state: ProgressState, columns: number): string {
  const pct = `${String(percentOf(state.done, state.total)).padStart(3)}%`;
  const tail = `${pct}  ${formatBytes(state.done)}/${formatBytes(state.total)}  ${formatRate(state.rate)}  ETA ${formatDuration(etaSeconds(state))}`;
  const room = columns - tail.length - 2;
  const barWidth = Math.min(40, Math.max(0, room - state.label.length - 1));
  const label = state.label.slice(0, Math.max(0, room - (barWidth > 0 ? barWidth + 1 : 0)));
  const parts = [label, barWidth >= 10 ? renderBar(state.done / state.total, barWidth) : '', tail].filter(Boolean);
  return parts.join(' ').slice(0, Math.max(1, columns - 1));
}

/** One CI log line: "wharf: uploading build.tgz: 40% (420.0 MB of 1.05 GB, 85.3 MB/s, ETA 0:07)" */
export function formatPlainLine(state: ProgressState): string {
  return `wharf: ${state.label}: ${percentOf(state.done, state.total)}% (${formatBytes(state.done)} of ${formatBytes(
    state.total,
  )}, ${formatRate(state.rate)}, ETA ${formatDuration(etaSeconds(state))})`;
}

/** Throughput over a sliding window, so the bar reacts to changes without jitter. */
export class RateMeter {
  private samples: { t: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  add(t: number, bytes: number): void {
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - (this.samples[1] as { t: number }).t >= this.windowMs) this.samples.shift();
  }

  /** Bytes per second between the oldest and newest sample in the window. */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t <= first.t) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}

export type ProgressMode = 'bar' | 'plain' | 'none';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function chooseMode(stream: ProgressStream, quiet: boolean): ProgressMode {
  if (quiet) return 'none';
  return stream.isTTY ? 'bar' : 'plain';
}

/** Reports one transfer of `total` bytes. `now` is injectable for tests. */
export class ProgressReporter {
  private readonly meter = new RateMeter();
  private readonly started: number;
  private lastDraw = -Infinity;
  private lastStep = 0;
  private done = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly mode: ProgressMode,
    private readonly label: string,
    private readonly total: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    this.meter.add(this.started, 0);
  }

  update(done: number): void {
    this.done = done;
    const t = this.now();
    this.meter.add(t, done);
    if (this.mode === 'bar') {
      if (t - this.lastDraw >= 100 || done >= this.total) this.draw(t);
    } else if (this.mode === 'plain') {
      // One line per 10% step crossed (the latest one only if a chunk crossed several).
      const step = Math.floor(percentOf(done, this.total) / 10);
      if (step > this.lastStep) {
        this.lastStep = step;
        this.stream.write(`${formatPlainLine(this.state(t))}\n`);
      }
    }
  }

  /** Average bytes per second since the start. */
  averageRate(): number {
    const elapsed = this.now() - this.started;
    return elapsed > 0 ? (this.done * 1000) / elapsed : 0;
  }

  /** Ends the bar's line so later output starts on a fresh one. */
  finish(): void {
    if (this.mode === 'bar' && this.drawn) {
      this.draw(this.now());
      this.stream.write('\n');
      this.drawn = false;
    }
  }

  private state(t: number): ProgressState {
    // Early on the window holds too little to be meaningful; fall back to the average.
    const windowRate = this.meter.rate();
    const elapsed = t - this.started;
    const rate = windowRate > 0 ? windowRate : elapsed > 0 ? (this.done * 1000) / elapsed : 0;
    return { label: this.label, done: this.done, total: this.total, rate };
  }

  private draw(t: number): void {
    this.lastDraw = t;
    this.drawn = true;
    this.stream.write(`\r\x1b[K${formatBarLine(this.state(t), this.stream.columns ?? 80)}`);
  }
}
