import { normalSf } from './special.js';

export type Alternative = 'two-sided' | 'less' | 'greater';
export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

export interface MannWhitneyOptions {
  /** `greater`: x is stochastically greater than y. Default two-sided. */
  alternative?: Alternative;
  /** `auto` (default): exact when there are no ties and either sample has at most 8 values, else asymptotic. */
  method?: MannWhitneyMethod;
  /** Continuity correction of the normal approximation (default true); the exact method ignores it. */
  continuity?: boolean;
}

export interface MannWhitneyResult {
  /** U of the first sample: R1 - n1 (n1 + 1) / 2, with average ranks for ties (scipy's `statistic`). */
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
  /** Whether any two values of the pooled samples are equal. */
  ties: boolean;
}

interface Ranked {
  /** Sum of the average ranks of x in the pooled sample. */
  rankSumX: number;
  /** Sum over tie groups of t^3 - t. */
  tieTerm: number;
  ties: boolean;
}

function rank(x: ArrayLike<number>, y: ArrayLike<number>): Ranked {
  const n1 = x.length;
  const values = new Float64Array(n1 + y.length);
  for (let i = 0; i < n1; i++) values[i] = x[i]!;
  for (let i = 0; i < y.length; i++) values[n1 + i] = y[i]!;
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || a - b);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const t = end - start;
    // Ranks are 1-based: the group covers start+1 .. end, whose average is (start + 1 + end) / 2.
    const average = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) if (order[i]! < n1) rankSumX += average;
    if (t > 1) tieTerm += t ** 3 - t;
    start = end;
  }
  return { rankSumX, tieTerm, ties: tieTerm > 0 };
}

/**
 * P(U >= k) under the null for samples of sizes m and n without ties. The counts of U = j are the
 * coefficients of the Gaussian binomial [m+n choose m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i)
 * (Mann and Whitney 1947), built one factor at a time and truncated at the degree needed. Each
 * factor is scaled by i / (n + i) so the coefficients stay probabilities: no overflow, and the
 * rounding error stays absolute (about degree x 1e-16), which is what a p-value needs.
 */
function exactSf(k: number, m: number, n: number): number {
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  const total = small * large;
  if (k <= 0) return 1;
  if (k > total) return 0;
  // By symmetry P(U >= k) = P(U <= total - k); sum whichever tail is shorter.
  const upper = total - k < k;
  const degree = upper ? total - k : k - 1;
  const c = new Float64Array(degree + 1);
  c[0] = 1;
  for (let i = 1; i <= small; i++) {
    const shift = large + i;
    for (let j = degree; j >= shift; j--) c[j]! -= c[j - shift]!;
    for (let j = i; j <= degree; j++) c[j]! += c[j - i]!;
    const scale = i / (large + i);
    for (let j = 0; j <= degree; j++) c[j]! *= scale;
  }
  let tail = 0;
  for (let j = 0; j <= degree; j++) tail += c[j]!;
  return upper ? tail : 1 - tail;
}

/**
 * The Mann-Whitney U test of two independent samples, as scipy.stats.mannwhitneyu computes it.
 * Asymptotic: z = (U - n1 n2 / 2 - 1/2) / sigma with the tie-corrected sigma
 * sqrt(n1 n2 / 12 (n + 1 - sum(t^3 - t) / (n (n - 1)))), p from the normal tail. Exact: the null
 * distribution of U, which assumes no ties (with ties forced to exact, U is truncated as scipy does).
 * Two-sided p-values are twice the tail of max(U1, U2), clipped at 1. Throws on an empty sample or NaN.
 */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>, options: MannWhitneyOptions = {}): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs at least one value in each sample');
  for (const sample of [x, y]) for (let i = 0; i < sample.length; i++) if (Number.isNaN(sample[i])) throw new RangeError('Mann-Whitney U cannot rank NaN');
  const alternative = options.alternative ?? 'two-sided';
  const { rankSumX, tieTerm, ties } = rank(x, y);
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;
  const requested = options.method ?? 'auto';
  const method = requested !== 'auto' ? requested : (n1 > 8 && n2 > 8) || ties ? 'asymptotic' : 'exact';
  let tail: number;
  if (method === 'exact') {
    tail = exactSf(Math.trunc(u), n1, n2);
  } else {
    const n = n1 + n2;
    const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    // All values equal: sigma is 0 and U sits at its mean, so z is -Infinity and p is 1; without the
    // continuity correction z is 0 / 0 and p is NaN, as in scipy.
    const z = (u - (n1 * n2) / 2 - (options.continuity === false ? 0 : 0.5)) / sigma;
    tail = normalSf(z);
  }
  const pValue = Number.isNaN(tail) ? tail : Math.min(1, Math.max(0, factor * tail));
  return { statistic: u1, pValue, method, ties };
}

/**
 * The smallest one-sided p-value samples of these sizes can give: every value of one sample above
 * every value of the other, which the exact null distribution puts at 1 / C(n1 + n2, n1). A test
 * whose smallest p-value is above alpha can never reject, so a comparison on so few values proves
 * nothing and must not count as a pass.
 */
export function smallestOneSidedPValue(n1: number, n2: number): number {
  let p = 1;
  const small = Math.min(n1, n2);
  const large = Math.max(n1, n2);
  for (let i = 1; i <= small; i++) p *= i / (large + i);
  return p;
}
