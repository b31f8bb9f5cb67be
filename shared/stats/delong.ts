import { normalSf } from './special.js';

export interface DeLongResult {
  aucA: number;
  aucB: number;
  /** aucB - aucA */
  difference: number;
  /** Variance of the difference; 0 or less when the curves cannot be told apart by this method. */
  variance: number;
  /** difference / sqrt(variance); null when the variance is not positive. */
  z: number | null;
  /** Two-sided; null when the variance is not positive. */
  pValue: number | null;
}

/** 1-based ranks with ties given their average rank. */
function midranks(values: ArrayLike<number>): Float64Array {
  const count = values.length;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(count);
  for (let start = 0; start < count; ) {
    let end = start;
    while (end < count && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + end - 1) / 2 + 1;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Per-row placements of one model: AUC, and how each positive and each negative contributes to it. */
function placements(scores: ArrayLike<number>, positives: number[], negatives: number[]): { auc: number; positive: Float64Array; negative: Float64Array } {
  const m = positives.length;
  const n = negatives.length;
  const all = midranks([...positives, ...negatives].map((row) => scores[row]!));
  const within = midranks(positives.map((row) => scores[row]!));
  const withinNegatives = midranks(negatives.map((row) => scores[row]!));
  const positive = new Float64Array(m);
  const negative = new Float64Array(n);
  let rankSum = 0;
  for (let i = 0; i < m; i++) {
    rankSum += all[i]!;
    positive[i] = (all[i]! - within[i]!) / n;
  }
  for (let j = 0; j < n; j++) negative[j] = 1 - (all[m + j]! - withinNegatives[j]!) / m;
  return { auc: rankSum / (m * n) - (m + 1) / (2 * n), positive, negative };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Sample covariance (n - 1) of two series of equal length. */
function covariance(x: Float64Array, y: Float64Array): number {
  const mx = mean(x);
  const my = mean(y);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i]! - mx) * (y[i]! - my);
  return sum / (x.length - 1);
}

/**
 * DeLong's test for two correlated ROC curves (the same rows scored by two models), computed with
 * the midrank algorithm of Sun and Xu (2014) in O(n log n). `truth` is 1 for the positive class.
 * Needs at least two positives and two negatives.
 */
export function delongTest(truth: ArrayLike<number>, scoresA: ArrayLike<number>, scoresB: ArrayLike<number>): DeLongResult {
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let row = 0; row < truth.length; row++) (truth[row] === 1 ? positives : negatives).push(row);
  if (positives.length < 2 || negatives.length < 2) throw new RangeError('DeLong needs at least two rows of each class');
  const a = placements(scoresA, positives, negatives);
  const b = placements(scoresB, positives, negatives);
  const m = positives.length;
  const n = negatives.length;
  // Var(B - A) = Var(A) + Var(B) - 2 Cov(A, B), each from the positive and negative placements.
  const variance =
    (covariance(a.positive, a.positive) + covariance(b.positive, b.positive) - 2 * covariance(a.positive, b.positive)) / m +
    (covariance(a.negative, a.negative) + covariance(b.negative, b.negative) - 2 * covariance(a.negative, b.negative)) / n;
  const difference = b.auc - a.auc;
  if (!(variance > 0)) return { aucA: a.auc, aucB: b.auc, difference, variance, z: null, pValue: null };
  const z = difference / Math.sqrt(variance);
  return { aucA: a.auc, aucB: b.auc, difference, variance, z, pValue: 2 * normalSf(Math.abs(z)) };
}
