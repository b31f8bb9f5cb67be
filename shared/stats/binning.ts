/**
 * Aligning two distributions on common bins, as the drift methods need them:
 * - `evidentlyBins`: Evidently's get_binned_data: for a numeric column whose reference has more
 *   than 20 distinct values, Sturges equal-width bins over both samples; otherwise one bin per
 *   value (or category) seen in either sample.
 * - `decileBins`: the industry PSI binning: bins cut at the reference deciles (numpy linear
 *   quantiles, duplicates merged), right-closed, open-ended at both sides.
 */
import type { Distribution, NumericDistribution } from './distribution.js';
import { distinctCount } from './distribution.js';
import { quantileSorted, searchSorted, sturgesEdges } from './histogram.js';

export interface Binned {
  /** Bin labels for charts: the category, the value, or the bin range. */
  labels: string[];
  ref: Float64Array;
  cur: Float64Array;
  nRef: number;
  nCur: number;
  /** Numeric bin edges when the bins are ranges. */
  edges?: Float64Array;
}

/** Cumulative weight of values <= each sorted value, for rank queries on weighted data. */
function cumulative(d: NumericDistribution): Float64Array {
  const out = new Float64Array(d.values.length);
  let acc = 0;
  for (let i = 0; i < d.values.length; i++) {
    acc += d.weights ? d.weights[i]! : 1;
    out[i] = acc;
  }
  return out;
}

/** Weight of values < x (side 'left') or <= x (side 'right'). */
function weightBelow(d: NumericDistribution, cum: Float64Array, x: number, side: 'left' | 'right'): number {
  const index = searchSorted(d.values, x, side);
  if (!d.weights) return index;
  return index === 0 ? 0 : cum[index - 1]!;
}

/** np.histogram(values, edges)[0] on a (possibly weighted) sorted distribution. */
export function histogramCounts(d: NumericDistribution, edges: ArrayLike<number>): Float64Array {
  const cum = d.weights ? cumulative(d) : new Float64Array(0);
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let previous = weightBelow(d, cum, edges[0]!, 'left');
  for (let i = 0; i < bins; i++) {
    const next = weightBelow(d, cum, edges[i + 1]!, i === bins - 1 ? 'right' : 'left');
    counts[i] = next - previous;
    previous = next;
  }
  return counts;
}

/** Value -> count of a numeric distribution (exact when it is exact). */
export function valueCounts(d: NumericDistribution): Map<number, number> {
  if (d.distinct) return d.distinct;
  const out = new Map<number, number>();
  for (let i = 0; i < d.values.length; i++) {
    const v = d.values[i]!;
    out.set(v, (out.get(v) ?? 0) + (d.weights ? d.weights[i]! : 1));
  }
  return out;
}

function formatEdge(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : x > 0 ? '+inf' : '-inf';
}

function rangeLabels(edges: ArrayLike<number>): string[] {
  const labels: string[] = [];
  for (let i = 0; i + 1 < edges.length; i++) labels.push(`${formatEdge(edges[i]!)}..${formatEdge(edges[i + 1]!)}`);
  return labels;
}

/** One bin per category or value present in either sample (keys in first-seen order). */
export function perValueBins(ref: Distribution, cur: Distribution): Binned {
  if (ref.kind === 'categorical' && cur.kind === 'categorical') {
    const keys = [...ref.counts.keys()];
    for (const key of cur.counts.keys()) if (!ref.counts.has(key)) keys.push(key);
    return {
      labels: keys,
      ref: Float64Array.from(keys, (k) => ref.counts.get(k) ?? 0),
      cur: Float64Array.from(keys, (k) => cur.counts.get(k) ?? 0),
      nRef: ref.n,
      nCur: cur.n,
    };
  }
  if (ref.kind === 'numeric' && cur.kind === 'numeric') {
    const a = valueCounts(ref);
    const b = valueCounts(cur);
    const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
    return {
      labels: keys.map((k) => String(k)),
      ref: Float64Array.from(keys, (k) => a.get(k) ?? 0),
      cur: Float64Array.from(keys, (k) => b.get(k) ?? 0),
      nRef: ref.n,
      nCur: cur.n,
    };
  }
  throw new Error('distributions of different kinds');
}

export function evidentlyBins(ref: Distribution, cur: Distribution): Binned {
  if (ref.kind === 'numeric' && cur.kind === 'numeric') {
    const refDistinct = distinctCount(ref);
    if (refDistinct === null || refDistinct > 20) {
      const edges = sturgesEdges(Math.min(ref.min, cur.min), Math.max(ref.max, cur.max), ref.n + cur.n, ref.integer && cur.integer);
      return { labels: rangeLabels(edges), ref: histogramCounts(ref, edges), cur: histogramCounts(cur, edges), nRef: ref.n, nCur: cur.n, edges };
    }
  }
  return perValueBins(ref, cur);
}

/** Weighted linear quantile; exact numpy quantile when the distribution is unweighted. */
function quantile(d: NumericDistribution, q: number): number {
  if (!d.weights) return quantileSorted(d.values, q);
  const target = q * (d.n - 1);
  let acc = 0;
  for (let i = 0; i < d.values.length; i++) {
    acc += d.weights[i]!;
    if (acc - 1 >= target) return d.values[i]!;
  }
  return d.max;
}

export function decileBins(ref: Distribution, cur: Distribution): Binned {
  if (ref.kind === 'numeric' && cur.kind === 'numeric') {
    const cuts: number[] = [];
    for (let i = 1; i < 10; i++) {
      const q = quantile(ref, i / 10);
      if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
    }
    const edges = Float64Array.from([-Infinity, ...cuts, Infinity]);
    const count = (d: NumericDistribution): Float64Array => {
      const cum = d.weights ? cumulative(d) : new Float64Array(0);
      const out = new Float64Array(edges.length - 1);
      let previous = 0;
      for (let i = 0; i < out.length; i++) {
        const next = i === out.length - 1 ? d.n : weightBelow(d, cum, edges[i + 1]!, 'right');
        out[i] = next - previous;
        previous = next;
      }
      return out;
    };
    return { labels: rangeLabels(edges), ref: count(ref), cur: count(cur), nRef: ref.n, nCur: cur.n, edges };
  }
  return perValueBins(ref, cur);
}
