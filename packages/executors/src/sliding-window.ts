// Runs work items at most `limit` at a time, starting the next as soon as one finishes (like
// `xargs -P`), in order. `mayStart` is asked before every start: once it says no, nothing
// more starts (what is running finishes), so a failure can stop a rollout without waiting
// for a whole batch.

/** Results in item order; `undefined` for an item that never started. */
export async function runSlidingWindow<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
  mayStart: () => boolean = () => true,
): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  let refused = false;
  const lane = async (): Promise<void> => {
    while (next < items.length && !refused) {
      if (!mayStart()) {
        refused = true;
        return;
      }
      const i = next++;
      results[i] = await run(items[i]!, i);
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
