// Small statistics for the report.
export function percentile(values, p) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}

export const median = (values) => percentile(values, 50);
export const round = (x, digits = 0) => (x === null || x === undefined ? null : Number(x.toFixed(digits)));
