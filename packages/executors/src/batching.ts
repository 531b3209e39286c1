/** Resolves a batch size (count or 'NN%') against the number of targets. Always >= 1. */
export function resolveBatchSize(batchSize: number | string, total: number): number {
  if (total <= 0) return 1;
  if (typeof batchSize === 'number') return Math.max(1, Math.min(total, Math.floor(batchSize)));
  const m = /^(\d{1,3})%$/.exec(batchSize);
  if (!m) throw new TypeError(`invalid batch size: ${batchSize}`);
  const pct = Math.min(100, Number(m[1]));
  return Math.max(1, Math.min(total, Math.ceil((total * pct) / 100)));
}

/** Splits targets into consecutive batches, keeping their order. */
export function toBatches<T>(items: readonly T[], batchSize: number | string): T[][] {
  const size = resolveBatchSize(batchSize, items.length);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A rollout's outcome from its targets': any cancel wins, then any failed or skipped target. */
export function rolloutState(targets: readonly { state: string }[]): 'succeeded' | 'failed' | 'cancelled' {
  if (targets.some((t) => t.state === 'cancelled')) return 'cancelled';
  if (targets.some((t) => t.state === 'failed' || t.state === 'skipped')) return 'failed';
  return 'succeeded';
}
