// A sweep that runs again `everyMs` after the previous one ended (never two at once in one
// process), first after a short delay so boot stays quick. Stopping lets a running sweep finish.
export class PeriodicSweep {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(private readonly sweep: () => Promise<void>) {}

  /** The first sweep waits `firstDelayMs` (or one interval, if shorter). */
  start(firstDelayMs: number, everyMs: number): void {
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => {
        this.sweeping = this.sweep().finally(() => {
          this.sweeping = null;
          if (this.timer) schedule(everyMs);
        });
      }, ms);
      this.timer.unref();
    };
    schedule(Math.min(firstDelayMs, everyMs));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping;
  }
}
