/**
 * Binning as numpy does it, so bin counts (and therefore PSI and Jensen-Shannon) agree with
 * Evidently: Sturges bin edges over both samples (np.histogram_bin_edges(..., 'sturges')),
 * counts per explicit edge array (np.histogram's searchsorted path), quantiles with numpy's
 * default linear interpolation.
 */

/** np.linspace(start, stop, num) with endpoint. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  if (div > 0) {
    const step = delta / div;
    if (step === 0) {
      for (let i = 0; i < num; i++) out[i] = (i / div) * delta + start;
    } else {
      for (let i = 0; i < num; i++) out[i] = i * step + start;
    }
    out[num - 1] = stop;
  } else if (num === 1) {
    out[0] = start;
  }
  return out;
}

/**
 * Sturges edges over the combined range, as np.histogram_bin_edges(combined, 'sturges'):
 * width = ptp / (log2(n) + 1), bins = ceil(ptp / width); integer data never gets width < 1.
 */
export function sturgesEdges(min: number, max: number, size: number, integer = false): Float64Array {
  let first = min;
  let last = max;
  let bins = 1;
  if (size > 0) {
    let width = (max - min) / (Math.log2(size) + 1);
    if (width) {
      if (integer && width < 1) width = 1;
      bins = Math.ceil((last - first) / width);
    }
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  return linspace(first, last, bins + 1);
}

/** First index i with sorted[i] >= value (side='left') or > value (side='right'). */
export function searchSorted(sorted: ArrayLike<number>, value: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = sorted.length;
  if (side === 'left') {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
  }
  return lo;
}

/**
 * np.histogram(values, edges)[0] for ascending-sorted values: bins are [e_i, e_i+1),
 * the last one closed; values outside the edges are not counted.
 */
export function histogramSorted(sorted: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let previous = searchSorted(sorted, edges[0]!, 'left');
  for (let i = 0; i < bins; i++) {
    const next = i === bins - 1 ? searchSorted(sorted, edges[i + 1]!, 'right') : searchSorted(sorted, edges[i + 1]!, 'left');
    counts[i] = next - previous;
    previous = next;
  }
  return counts;
}

/** np.quantile(sorted, q) with the default 'linear' method (numpy's _lerp). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const index = q * (n - 1);
  const lo = Math.floor(index);
  const hi = Math.min(lo + 1, n - 1);
  const t = index - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Distinct values and their counts of an ascending-sorted array. */
export function runLengths(sorted: ArrayLike<number>): { values: Float64Array; counts: Float64Array } {
  const values: number[] = [];
  const counts: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    values.push(v);
    counts.push(j - i);
    i = j;
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}
