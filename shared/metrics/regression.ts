import { argsortDescending } from './sort.js';
import { defined, undefinedMetric, type MetricValues, type Multiplicity } from './types.js';

const EPS = 2.220446049250313e-16;

export interface RegressionInput {
  y: Float64Array;
  pred: Float64Array;
  weight?: Float64Array | null;
}

export interface PreparedRegression {
  n: number;
  y: Float64Array;
  pred: Float64Array;
  weight: Float64Array | null;
  /** Rows in ascending order of absolute error, for the (weighted) median. */
  absOrder: Uint32Array;
  absError: Float64Array;
  strata: Uint32Array[];
}

export function prepareRegression(input: RegressionInput): PreparedRegression {
  const n = input.y.length;
  const absError = new Float64Array(n);
  for (let i = 0; i < n; i++) absError[i] = Math.abs(input.pred[i]! - input.y[i]!);
  const descending = argsortDescending(absError);
  const absOrder = descending.reverse();
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  return { n, y: input.y, pred: input.pred, weight: input.weight ?? null, absOrder, absError, strata: [all] };
}

export function regressionMetrics(p: PreparedRegression, mult: Multiplicity = null): MetricValues {
  const { n, y, pred, weight } = p;
  let total = 0;
  let rows = 0;
  let abs = 0;
  let sq = 0;
  let ape = 0;
  let sumY = 0;
  let sumDiff = 0;
  for (let i = 0; i < n; i++) {
    const m = mult ? mult[i]! : 1;
    if (m === 0) continue;
    const w = weight ? weight[i]! * m : m;
    const e = y[i]! - pred[i]!;
    rows += m;
    total += w;
    abs += w * Math.abs(pred[i]! - y[i]!);
    sq += w * e * e;
    ape += w * (Math.abs(pred[i]! - y[i]!) / Math.max(Math.abs(y[i]!), EPS));
    sumY += w * y[i]!;
    sumDiff += w * e;
  }
  const out: MetricValues = {};
  if (total === 0) {
    const reason = rows === 0 ? 'no rows' : 'the weights sum to zero';
    for (const name of ['mae', 'mse', 'rmse', 'r2', 'mape', 'median_absolute_error', 'explained_variance']) out[name] = undefinedMetric(reason);
    return out;
  }
  // Second pass, as sklearn: deviations from the weighted means.
  const yMean = sumY / total;
  const diffMean = sumDiff / total;
  let ssTot = 0;
  let ssDiff = 0;
  for (let i = 0; i < n; i++) {
    const m = mult ? mult[i]! : 1;
    if (m === 0) continue;
    const w = weight ? weight[i]! * m : m;
    const d = y[i]! - yMean;
    const e = y[i]! - pred[i]! - diffMean;
    ssTot += w * d * d;
    ssDiff += w * e * e;
  }
  out.mae = defined(abs / total);
  out.mse = defined(sq / total);
  out.rmse = defined(Math.sqrt(sq / total));
  if (rows < 2) out.r2 = undefinedMetric('R² needs at least two rows');
  else if (ssTot === 0) out.r2 = undefinedMetric('the labels have zero variance, so R² is not defined (scikit-learn would report 1.0 or 0.0 with force_finite)');
  else out.r2 = defined(1 - sq / ssTot);
  const minAbsY = minAbsLabel(p, mult);
  out.mape = defined(ape / total, minAbsY < EPS ? 'some labels are 0: their error is divided by float64 eps, as scikit-learn does' : undefined);
  out.median_absolute_error = defined(weightedMedian(p, mult));
  if (ssTot === 0) out.explained_variance = undefinedMetric('the labels have zero variance, so explained variance is not defined (scikit-learn would report 1.0 or 0.0 with force_finite)');
  else out.explained_variance = defined(1 - ssDiff / total / (ssTot / total));
  return out;
}

function minAbsLabel(p: PreparedRegression, mult: Multiplicity): number {
  let min = Infinity;
  for (let i = 0; i < p.n; i++) if ((!mult || mult[i]! > 0) && Math.abs(p.y[i]!) < min) min = Math.abs(p.y[i]!);
  return min;
}

/**
 * Median of |error|: np.median without weights; with weights (or bootstrap multiplicities, which
 * are integer weights) sklearn's _weighted_percentile(average=True), which equals np.median of the
 * expanded rows for integer weights.
 */
function weightedMedian(p: PreparedRegression, mult: Multiplicity): number {
  const { n, absOrder, absError, weight } = p;
  if (!weight && !mult) {
    const mid = n >>> 1;
    const a = absError[absOrder[mid]!]!;
    return n % 2 === 1 ? a : (absError[absOrder[mid - 1]!]! + a) / 2;
  }
  const w = (j: number) => {
    const row = absOrder[j]!;
    const m = mult ? mult[row]! : 1;
    return weight ? weight[row]! * m : m;
  };
  let total = 0;
  for (let j = 0; j < n; j++) total += w(j);
  const target = 0.5 * total;
  let cdf = 0;
  let at = n - 1;
  for (let j = 0; j < n; j++) {
    cdf += w(j);
    if (cdf >= target && w(j) > 0) {
      at = j;
      break;
    }
  }
  if (cdf - target > EPS) return absError[absOrder[at]!]!;
  let next = at;
  for (let j = at + 1; j < n; j++) {
    if (w(j) > 0) {
      next = j;
      break;
    }
  }
  return (absError[absOrder[at]!]! + absError[absOrder[next]!]!) / 2;
}
