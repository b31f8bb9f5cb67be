/**
 * Holm's step-down adjustment: the i-th smallest of m p-values is multiplied by (m - i), made
 * monotone and capped at 1. Rejecting where the adjusted p is below alpha controls the
 * family-wise error rate at alpha. Returned in the input order.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, index }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}
