import { sortFloat64 } from './sort.js';

/**
 * What a drift method sees of one column of one dataset, after NaN/inf/missing are dropped.
 * Numeric: ascending values with optional weights (weights are integer counts when exact, KLL
 * weights when `rankError` is set) and exact moments. Categorical: counts per category.
 */
export interface NumericDistribution {
  kind: 'numeric';
  /** Ascending. */
  values: Float64Array;
  /** Weight of each value; absent means 1 each. */
  weights?: Float64Array;
  /** Number of finite values (the sum of the weights). */
  n: number;
  min: number;
  max: number;
  /** Exact mean and population variance (ddof=0), as np.mean / np.var. */
  mean: number;
  variance: number;
  /** Exact distinct values with counts while there are few; null once over the cap. */
  distinct: Map<number, number> | null;
  /** Every value is an integer and no cell was missing (pandas would read int64). */
  integer: boolean;
  /** Set when values come from a KLL sketch: its normalized rank-error bound. */
  rankError?: number;
}

export interface CategoricalDistribution {
  kind: 'categorical';
  counts: Map<string, number>;
  n: number;
}

export type Distribution = NumericDistribution | CategoricalDistribution;

/** Kahan-Babuska (Neumaier) sum: error independent of length, like numpy's pairwise sum or better. */
export function stableSum(values: ArrayLike<number>): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return sum + c;
}

/** Builds the exact distribution of a set of finite numbers (sorts a copy when asked). */
export function numericFromValues(
  input: Float64Array,
  options: { integer?: boolean; distinctCap?: number; alreadySorted?: boolean } = {},
): NumericDistribution {
  const values = options.alreadySorted ? input : sortFloat64(input);
  const n = values.length;
  const mean = n ? stableSum(values) / n : Number.NaN;
  let sq = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    const v = d * d;
    const t = sq + v;
    c += sq >= v ? sq - t + v : v - t + sq;
    sq = t;
  }
  const cap = options.distinctCap ?? 64;
  let distinct: Map<number, number> | null = new Map();
  for (let i = 0; i < n && distinct; ) {
    const v = values[i]!;
    let j = i + 1;
    while (j < n && values[j] === v) j++;
    distinct.set(v, j - i);
    if (distinct.size > cap) distinct = null;
    i = j;
  }
  let integer = options.integer;
  if (integer === undefined) {
    integer = true;
    for (let i = 0; i < n; i++) if (!Number.isInteger(values[i]!)) {
      integer = false;
      break;
    }
  }
  return {
    kind: 'numeric',
    values,
    n,
    min: n ? values[0]! : Number.NaN,
    max: n ? values[n - 1]! : Number.NaN,
    mean,
    variance: n ? (sq + c) / n : Number.NaN,
    distinct,
    integer,
  };
}

export function categoricalFromValues(values: Iterable<string>): CategoricalDistribution {
  const counts = new Map<string, number>();
  let n = 0;
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
    n++;
  }
  return { kind: 'categorical', counts, n };
}

/** Number of distinct values; null when only known to exceed the tracked cap. */
export function distinctCount(d: Distribution): number | null {
  if (d.kind === 'categorical') return d.counts.size;
  if (d.distinct) return d.distinct.size;
  if (!d.weights) {
    let count = 0;
    for (let i = 0; i < d.values.length; i++) if (i === 0 || d.values[i] !== d.values[i - 1]) count++;
    return count;
  }
  return null;
}

/** Distinct values of the union of two numeric distributions, capped (returns cap+1 when over). */
export function unionDistinct(a: Distribution, b: Distribution, cap: number): number {
  if (a.kind === 'categorical' && b.kind === 'categorical') {
    let count = a.counts.size;
    for (const key of b.counts.keys()) if (!a.counts.has(key)) count++;
    return count;
  }
  if (a.kind === 'numeric' && b.kind === 'numeric') {
    if (a.distinct && b.distinct) {
      let count = a.distinct.size;
      for (const key of b.distinct.keys()) if (!a.distinct.has(key)) count++;
      return count;
    }
    if (a.weights || b.weights) return cap + 1;
    let count = 0;
    let i = 0;
    let j = 0;
    let last = Number.NaN;
    while (i < a.values.length || j < b.values.length) {
      const v = j >= b.values.length || (i < a.values.length && a.values[i]! <= b.values[j]!) ? a.values[i++]! : b.values[j++]!;
      if (v !== last) {
        count++;
        last = v;
        if (count > cap) return count;
      }
    }
    return count;
  }
  throw new Error('distributions of different kinds');
}
