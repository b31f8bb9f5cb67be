import type { Multiplicity } from './types.js';

/** What one sweep down the thresholds accumulates: enough for ROC AUC and average precision. */
export interface RankingTotals {
  /** Weighted positives and negatives. */
  tp: number;
  fp: number;
  /** Trapezoid area in (fp, tp) units; divide by 2 * tp * fp. */
  area: number;
  /** Sum of delta-tp * precision over thresholds; divide by tp. */
  apSum: number;
  /** Rows (not weight) of each class drawn: sklearn's "present labels". */
  rowsPositive: number;
  rowsNegative: number;
}

export interface SweepInput {
  n: number;
  /** By position (descending score): 1 where a new distinct score starts. */
  groupStart: Uint8Array;
  /** The row at each position; null when positions are the rows (binary's prepared layout). */
  order: Uint32Array | null;
  /** By row; a row is positive when its label is `positive` (one-vs-rest for multiclass). */
  labels: Uint8Array | Int32Array;
  positive: number;
  /** By row. */
  weight: Float64Array | null;
}

/** Per distinct threshold, descending: cumulative weighted tp and fp, and the last position of the threshold's group. */
export interface SweepCurve {
  tps: number[];
  fps: number[];
  lastPositions: number[];
}

/**
 * The ROC sweep: one pass down the positions, closing a trapezoid (and a precision step) at each
 * new distinct score. `mult` (by row) counts each row that many times: a bootstrap resample.
 * The bootstrap kernels (ranking-kernel.ts, paired-kernel.ts) inline this loop on purpose: calling it measured 1.38x their time.
 */
export function rankingSweep(input: SweepInput, mult: Multiplicity, curve?: SweepCurve): RankingTotals {
  const { n, groupStart, order, labels, positive, weight } = input;
  let tp = 0;
  let fp = 0;
  let prevTp = 0;
  let prevFp = 0;
  let area = 0;
  let apSum = 0;
  let rowsPositive = 0;
  let rowsNegative = 0;
  const close = (last: number) => {
    area += (fp - prevFp) * (tp + prevTp);
    if (tp !== prevTp) apSum += (tp - prevTp) * (tp / (tp + fp));
    if (curve) {
      curve.tps.push(tp);
      curve.fps.push(fp);
      curve.lastPositions.push(last);
    }
    prevTp = tp;
    prevFp = fp;
  };
  for (let i = 0; i < n; i++) {
    if (groupStart[i] === 1 && i > 0) close(i - 1);
    const row = order === null ? i : order[i]!;
    const m = mult === null ? 1 : mult[row]!;
    if (m === 0) continue;
    const w = weight === null ? m : weight[row]! * m;
    if (labels[row] === positive) {
      tp += w;
      rowsPositive += m;
    } else {
      fp += w;
      rowsNegative += m;
    }
  }
  if (n > 0) close(n - 1);
  return { tp, fp, area, apSum, rowsPositive, rowsNegative };
}
