/**
 * Uniform calibration bins exactly as sklearn.calibration.calibration_curve(strategy='uniform'):
 * edges from np.linspace(0, 1, bins + 1), and a probability goes to the bin found by
 * np.searchsorted(edges[1:-1], p) (left side), so bins are [0, e1], (e1, e2], ..., (e_k-1, 1].
 */
export function binEdges(bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = 1 / bins;
  for (let i = 0; i <= bins; i++) edges[i] = i * step;
  edges[bins] = 1;
  return edges;
}

export function binIndex(edges: Float64Array, p: number): number {
  // Number of inner edges strictly below p; out-of-range scores clamp to the end bins.
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid + 1]! < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
