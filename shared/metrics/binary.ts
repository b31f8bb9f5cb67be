import { argsortDescending } from './sort.js';
import { binEdges, binIndex } from './calibration.js';
import { rankingSweep, type SweepCurve, type SweepInput } from './ranking-sweep.js';
import { defined, undefinedMetric, type MetricValues, type Multiplicity } from './types.js';

/** float64 machine epsilon: scikit-learn clips probabilities to [eps, 1 - eps] in log_loss. */
export const EPS = 2.220446049250313e-16;

export interface BinaryInput {
  /** 1 for the positive class, 0 otherwise. */
  y: Uint8Array;
  /** The score of the positive class; a probability for log_loss, brier_score and calibration. */
  score: Float64Array;
  /** Hard predictions; default `score >= threshold`. */
  pred?: Uint8Array;
  weight?: Float64Array | null;
  threshold?: number;
  /** Calibration bins (uniform on [0, 1], as sklearn.calibration.calibration_curve). */
  bins?: number;
}

/**
 * Rows laid out once in descending score order, with every per-row term precomputed, so one
 * evaluation (the point estimate or one bootstrap resample) is a single sequential pass.
 */
export interface PreparedBinary {
  n: number;
  /** Original row index of each position. */
  order: Uint32Array;
  y: Uint8Array;
  pred: Uint8Array;
  score: Float64Array;
  weight: Float64Array | null;
  /** 1 where a new distinct score starts (a threshold of the ROC curve). */
  groupStart: Uint8Array;
  logLoss: Float64Array;
  brier: Float64Array;
  bin: Uint8Array;
  bins: number;
  /** All scores within [0, 1]: probability metrics are defined. */
  probabilities: boolean;
  /** Stratified resampling: positions of the negatives and of the positives. */
  strata: Uint32Array[];
}

export function prepareBinary(input: BinaryInput): PreparedBinary {
  const n = input.y.length;
  const threshold = input.threshold ?? 0.5;
  const bins = input.bins ?? 10;
  const order = argsortDescending(input.score);
  const y = new Uint8Array(n);
  const pred = new Uint8Array(n);
  const score = new Float64Array(n);
  const weight = input.weight ? new Float64Array(n) : null;
  const groupStart = new Uint8Array(n);
  const logLoss = new Float64Array(n);
  const brier = new Float64Array(n);
  const bin = new Uint8Array(n);
  const edges = binEdges(bins);
  let probabilities = true;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const row = order[i]!;
    const s = input.score[row]!;
    const label = input.y[row]! ? 1 : 0;
    y[i] = label;
    positives += label;
    score[i] = s;
    pred[i] = input.pred ? (input.pred[row]! ? 1 : 0) : s >= threshold ? 1 : 0;
    if (weight) weight[i] = input.weight![row]!;
    groupStart[i] = i === 0 || s !== score[i - 1] ? 1 : 0;
    if (s < 0 || s > 1) probabilities = false;
    // sklearn: y_prob = [1 - p, p], clipped to [eps, 1 - eps], then -sum(xlogy(onehot, y_prob)).
    const q = label ? s : 1 - s;
    logLoss[i] = -Math.log(Math.min(Math.max(q, EPS), 1 - EPS));
    const a = 1 - label - (1 - s);
    const b = label - s;
    brier[i] = a * a + b * b;
    bin[i] = binIndex(edges, s);
  }
  const negatives = new Uint32Array(n - positives);
  const positiveAt = new Uint32Array(positives);
  for (let i = 0, p = 0, q = 0; i < n; i++) {
    if (y[i]) positiveAt[p++] = i;
    else negatives[q++] = i;
  }
  return { n, order, y, pred, score, weight, groupStart, logLoss, brier, bin, bins, probabilities, strata: [negatives, positiveAt] };
}

/** Weighted sufficient statistics of one pass. */
export interface BinaryStats {
  total: number;
  rows: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Rows (not weight) of each true class and of each predicted class: sklearn's "present labels". */
  rowsPositive: number;
  rowsNegative: number;
  /** Trapezoid area in (fp, tp) units; divide by 2 * P * N. */
  area: number;
  /** Sum of delta-tp * precision over thresholds; divide by P. */
  apSum: number;
  logLoss: number;
  brier: number;
  binWeight: Float64Array;
  binScore: Float64Array;
  binPositive: Float64Array;
}

export interface BinaryCurves {
  /** Per distinct threshold, descending: cumulative weighted tp and fp, and the threshold. */
  tps: Float64Array;
  fps: Float64Array;
  thresholds: Float64Array;
}

/** The sweep's view of the prepared rows: positions are the rows, label 1 is positive. */
function sweepInput(p: PreparedBinary): SweepInput {
  return { n: p.n, groupStart: p.groupStart, order: null, labels: p.y, positive: 1, weight: p.weight };
}

/**
 * The point estimate (`mult` null) or a bootstrap resample: the ROC sweep, then one pass for the rest.
 * binaryChunk and pairedBinaryChunk inline both passes on purpose: calling this measured 1.72x binaryChunk's time.
 */
export function binaryStats(p: PreparedBinary, mult: Multiplicity, curves?: BinaryCurves[]): BinaryStats {
  const { n, y, pred, weight, logLoss, brier, bin } = p;
  const curve: SweepCurve | undefined = curves ? { tps: [], fps: [], lastPositions: [] } : undefined;
  const ranking = rankingSweep(sweepInput(p), mult, curve);
  if (curve && curves && n > 0) {
    curves.push({ tps: Float64Array.from(curve.tps), fps: Float64Array.from(curve.fps), thresholds: Float64Array.from(curve.lastPositions, (i) => p.score[i]!) });
  }
  const binWeight = new Float64Array(p.bins);
  const binScore = new Float64Array(p.bins);
  const binPositive = new Float64Array(p.bins);
  let hitTp = 0;
  let hitFp = 0;
  let tn = 0;
  let fn = 0;
  let loss = 0;
  let brierSum = 0;
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const m = mult ? mult[i]! : 1;
    if (m === 0) continue;
    const w = weight ? weight[i]! * m : m;
    rows += m;
    if (y[i]) {
      if (pred[i]) hitTp += w;
      else fn += w;
    } else if (pred[i]) hitFp += w;
    else tn += w;
    loss += w * logLoss[i]!;
    brierSum += w * brier[i]!;
    const b = bin[i]!;
    binWeight[b]! += w;
    binScore[b]! += w * p.score[i]!;
    binPositive[b]! += w * y[i]!;
  }
  return {
    total: ranking.tp + ranking.fp,
    rows,
    tp: hitTp,
    fp: hitFp,
    tn,
    fn,
    rowsPositive: ranking.rowsPositive,
    rowsNegative: ranking.rowsNegative,
    area: ranking.area,
    apSum: ranking.apSum,
    logLoss: loss,
    brier: brierSum,
    binWeight,
    binScore,
    binPositive,
  };
}

/**
 * Only the ranking metrics (roc_auc, average_precision): the pass a bootstrap of those needs,
 * about three times lighter than the full one.
 */
export function rankingMetrics(p: PreparedBinary, mult: Multiplicity): MetricValues {
  const { tp, fp, area, apSum, rowsPositive, rowsNegative } = rankingSweep(sweepInput(p), mult);
  return {
    roc_auc: rowsPositive === 0 || rowsNegative === 0 || tp <= 0 || fp <= 0
      ? undefinedMetric(rowsPositive === 0 || rowsNegative === 0 ? 'only one class is present in the labels: ROC AUC is not defined' : 'one class has zero total weight: ROC AUC is not defined')
      : defined(area / (2 * tp * fp)),
    average_precision: tp <= 0 ? undefinedMetric('no positive labels: average precision is not defined') : defined(Math.max(0, apSum / tp)),
  };
}

const ZERO_DIVISION = 'set to 0.0 as scikit-learn does (zero_division)';

export function binaryMetricsFromStats(s: BinaryStats, probabilities: boolean): MetricValues {
  const out: MetricValues = {};
  const positives = s.tp + s.fn;
  const negatives = s.tn + s.fp;
  if (s.rows === 0 || s.total === 0) {
    const reason = s.rows === 0 ? 'no rows' : 'the weights sum to zero';
    for (const name of ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier_score', 'matthews_corrcoef', 'ece']) {
      out[name] = undefinedMetric(reason);
    }
    return out;
  }
  out.accuracy = defined((s.tp + s.tn) / s.total);

  const recalls: number[] = [];
  if (positives > 0) recalls.push(s.tp / positives);
  if (negatives > 0) recalls.push(s.tn / negatives);
  out.balanced_accuracy = recalls.length === 0
    ? undefinedMetric('no weight on either class')
    : defined(recalls.reduce((a, b) => a + b, 0) / recalls.length, recalls.length === 1 ? 'only one class in the labels: the recall of that class' : undefined);

  const predicted = s.tp + s.fp;
  out.precision = predicted > 0 ? defined(s.tp / predicted) : defined(0, `no positive predictions; ${ZERO_DIVISION}`);
  out.recall = positives > 0 ? defined(s.tp / positives) : defined(0, `no positive labels; ${ZERO_DIVISION}`);
  const f1Denominator = positives + predicted;
  out.f1 = f1Denominator > 0 ? defined((2 * s.tp) / f1Denominator) : defined(0, `no positive labels nor predictions; ${ZERO_DIVISION}`);

  const P = s.rowsPositive > 0 ? s.tp + s.fn : 0;
  const N = s.rowsNegative > 0 ? s.tn + s.fp : 0;
  if (s.rowsPositive === 0 || s.rowsNegative === 0) {
    out.roc_auc = undefinedMetric(`only one class is present in the labels (${s.rowsPositive === 0 ? 'no positives' : 'no negatives'}): ROC AUC is not defined`);
  } else if (P <= 0 || N <= 0) {
    out.roc_auc = undefinedMetric('one class has zero total weight: ROC AUC is not defined');
  } else {
    out.roc_auc = defined(s.area / (2 * P * N));
  }
  if (P <= 0) out.average_precision = undefinedMetric('no positive labels: average precision is not defined');
  else out.average_precision = defined(Math.max(0, s.apSum / P));

  if (!probabilities) {
    const reason = 'scores are outside [0, 1], so they are not probabilities';
    out.log_loss = undefinedMetric(reason);
    out.brier_score = undefinedMetric(reason);
    out.ece = undefinedMetric(reason);
  } else {
    out.log_loss = defined(s.logLoss / s.total);
    out.brier_score = defined((s.brier / s.total) * 0.5);
    out.ece = defined(expectedCalibrationError(s.binWeight, s.binScore, s.binPositive, s.total));
  }

  // sklearn.metrics.matthews_corrcoef on the 2x2 confusion matrix.
  const tSum = [negatives, positives];
  const pSum = [s.tn + s.fn, s.fp + s.tp];
  const total = pSum[0]! + pSum[1]!;
  const covYtYp = (s.tp + s.tn) * total - (tSum[0]! * pSum[0]! + tSum[1]! * pSum[1]!);
  const covYpYp = total * total - (pSum[0]! * pSum[0]! + pSum[1]! * pSum[1]!);
  const covYtYt = total * total - (tSum[0]! * tSum[0]! + tSum[1]! * tSum[1]!);
  const product = covYpYp * covYtYt;
  out.matthews_corrcoef = product === 0
    ? defined(0, 'only one class in the labels or the predictions; set to 0.0 as scikit-learn does')
    : defined(covYtYp / Math.sqrt(product));
  return out;
}

export function expectedCalibrationError(binWeight: Float64Array, binScore: Float64Array, binPositive: Float64Array, total: number): number {
  let ece = 0;
  for (let b = 0; b < binWeight.length; b++) {
    const w = binWeight[b]!;
    if (w > 0) ece += (w / total) * Math.abs(binPositive[b]! / w - binScore[b]! / w);
  }
  return ece;
}

/** Points of the ROC and precision-recall curves, as sklearn.metrics.roc_curve / precision_recall_curve. */
export function binaryCurves(p: PreparedBinary): { roc: { fpr: number[]; tpr: number[] }; pr: { recall: number[]; precision: number[] } } | null {
  const curves: BinaryCurves[] = [];
  binaryStats(p, null, curves);
  const c = curves[0];
  if (!c || c.tps.length === 0) return null;
  const P = c.tps[c.tps.length - 1]!;
  const N = c.fps[c.fps.length - 1]!;
  const fpr = [0];
  const tpr = [0];
  const recall: number[] = [];
  const precision: number[] = [];
  for (let k = 0; k < c.tps.length; k++) {
    fpr.push(N > 0 ? c.fps[k]! / N : NaN);
    tpr.push(P > 0 ? c.tps[k]! / P : NaN);
    const predicted = c.tps[k]! + c.fps[k]!;
    recall.push(P > 0 ? c.tps[k]! / P : 1);
    precision.push(predicted > 0 ? c.tps[k]! / predicted : 0);
  }
  // sklearn's PR curve ends at recall 0, precision 1.
  recall.unshift(0);
  precision.unshift(1);
  return { roc: { fpr, tpr }, pr: { recall, precision } };
}

/** Confusion matrix at the threshold, rows = true [0, 1], columns = predicted [0, 1]. */
export function binaryConfusion(s: BinaryStats): number[][] {
  return [
    [s.tn, s.fp],
    [s.fn, s.tp],
  ];
}

/** The reliability curve: per non-empty bin, mean predicted probability and observed frequency. */
export function reliabilityCurve(s: BinaryStats): { lo: number; hi: number; weight: number; meanPredicted: number; fractionPositive: number }[] {
  const edges = binEdges(s.binWeight.length);
  const out = [];
  for (let b = 0; b < s.binWeight.length; b++) {
    const w = s.binWeight[b]!;
    if (w > 0) out.push({ lo: edges[b]!, hi: edges[b + 1]!, weight: w, meanPredicted: s.binScore[b]! / w, fractionPositive: s.binPositive[b]! / w });
  }
  return out;
}

export function binaryMetrics(input: BinaryInput): MetricValues {
  const prepared = prepareBinary(input);
  return binaryMetricsFromStats(binaryStats(prepared, null), prepared.probabilities);
}
