// Retries a database or Redis write through a short outage (a restart, a dropped
// connection), so a deployment's bookkeeping survives it instead of being lost.
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  opts: { attempts?: number; onRetry?: (err: unknown, attempt: number) => void } = {},
): Promise<T> {
  const attempts = opts.attempts ?? 30;
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts) {
        throw new Error(
          `${what} failed after ${attempts} attempts: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      opts.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
