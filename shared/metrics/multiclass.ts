import { rankingSweep } from './ranking-sweep.js';
import { EPS } from './binary.js';
import { argsortDescending } from './sort.js';
import { defined, undefinedMetric, type MetricValue, type MetricValues, type Multiplicity } from './types.js';

export interface MulticlassInput {
  /** Class index 0..k-1 of each row. */
  y: Int32Array;
  k: number;
  /** Row-major n x k class probabilities, or null when only hard predictions are given. */
  proba?: Float64Array | null;
  /** Hard predictions (class index); default the arg-max of `proba` (first maximum, as numpy). */
  pred?: Int32Array | null;
  weight?: Float64Array | null;
  /** Class names, for reasons and notes. */
  classes?: string[];
}

export interface PreparedMulticlass {
  n: number;
  k: number;
  classes: string[];
  y: Int32Array;
  pred: Int32Array;
  weight: Float64Array | null;
  /** -log(clip(p[y])) per row, or null without probabilities. */
  logLoss: Float64Array | null;
  /** Per class: rows in descending order of that class's probability, and tie-group starts. */
  orders: Uint32Array[] | null;
  groupStarts: Uint8Array[] | null;
  /** Why roc_auc_ovr / log_loss are undefined regardless of the rows drawn, if they are. */
  probaProblem: string | null;
  /** Rows whose probabilities do not sum to 1 (sklearn warns for log_loss, refuses roc_auc_ovr). */
  unnormalized: number;
  strata: Uint32Array[];
}

export function prepareMulticlass(input: MulticlassInput): PreparedMulticlass {
  const { y, k } = input;
  const n = y.length;
  const proba = input.proba ?? null;
  const classes = input.classes ?? Array.from({ length: k }, (_, i) => String(i));
  let pred = input.pred ?? null;
  if (!pred) {
    if (!proba) throw new Error('multiclass needs probabilities or predictions');
    pred = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestValue = proba[i * k]!;
      for (let c = 1; c < k; c++) {
        const v = proba[i * k + c]!;
        if (v > bestValue) {
          best = c;
          bestValue = v;
        }
      }
      pred[i] = best;
    }
  }
  let logLoss: Float64Array | null = null;
  let orders: Uint32Array[] | null = null;
  let groupStarts: Uint8Array[] | null = null;
  let probaProblem: string | null = null;
  let unnormalized = 0;
  if (proba) {
    logLoss = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let c = 0; c < k; c++) {
        const v = proba[i * k + c]!;
        if (v < 0 || v > 1) probaProblem = 'class probabilities are outside [0, 1]';
        sum += v;
      }
      // np.allclose(1, sum): |sum - 1| <= 1e-8 + 1e-5 * |sum|
      if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5 * Math.abs(sum))) unnormalized++;
      const p = proba[i * k + y[i]!]!;
      logLoss[i] = -Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
    }
    orders = [];
    groupStarts = [];
    const column = new Float64Array(n);
    for (let c = 0; c < k; c++) {
      for (let i = 0; i < n; i++) column[i] = proba[i * k + c]!;
      const order = argsortDescending(column);
      const starts = new Uint8Array(n);
      for (let j = 0; j < n; j++) starts[j] = j === 0 || column[order[j]!] !== column[order[j - 1]!] ? 1 : 0;
      orders.push(order);
      groupStarts.push(starts);
    }
  }
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]!]!.push(i);
  return {
    n,
    k,
    classes,
    y,
    pred,
    weight: input.weight ?? null,
    logLoss,
    orders,
    groupStarts,
    probaProblem,
    unnormalized,
    strata: byClass.filter((rows) => rows.length > 0).map((rows) => Uint32Array.from(rows)),
  };
}

const ZERO_DIVISION = 'set to 0.0 as scikit-learn does (zero_division)';

export function multiclassMetrics(p: PreparedMulticlass, mult: Multiplicity = null): MetricValues {
  const { n, k, y, pred, weight } = p;
  const confusion = new Float64Array(k * k);
  const rowsTrue = new Float64Array(k);
  const rowsPred = new Float64Array(k);
  let total = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const m = mult ? mult[i]! : 1;
    if (m === 0) continue;
    const w = weight ? weight[i]! * m : m;
    confusion[y[i]! * k + pred[i]!]! += w;
    rowsTrue[y[i]!]! += m;
    rowsPred[pred[i]!]! += m;
    total += w;
    if (p.logLoss) loss += w * p.logLoss[i]!;
  }
  const out: MetricValues = {};
  if (total === 0) {
    const reason = n === 0 ? 'no rows' : 'the weights sum to zero';
    for (const name of ['accuracy', 'balanced_accuracy', 'precision_macro', 'precision_micro', 'precision_weighted', 'recall_macro', 'recall_micro', 'recall_weighted', 'f1_macro', 'f1_micro', 'f1_weighted', 'log_loss', 'roc_auc_ovr', 'matthews_corrcoef']) out[name] = undefinedMetric(reason);
    return out;
  }
  // sklearn's labels: the union of the classes seen in y_true and y_pred, sorted.
  const labels: number[] = [];
  for (let c = 0; c < k; c++) if (rowsTrue[c]! > 0 || rowsPred[c]! > 0) labels.push(c);
  const trueSum = new Float64Array(k);
  const predSum = new Float64Array(k);
  let trace = 0;
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      const v = confusion[r * k + c]!;
      trueSum[r]! += v;
      predSum[c]! += v;
    }
    trace += confusion[r * k + r]!;
  }
  out.accuracy = defined(trace / total);

  const recalls: number[] = [];
  for (const c of labels) if (trueSum[c]! > 0) recalls.push(confusion[c * k + c]! / trueSum[c]!);
  out.balanced_accuracy = recalls.length === 0
    ? undefinedMetric('no weight on any class')
    : defined(recalls.reduce((a, b) => a + b, 0) / recalls.length, recalls.length < labels.length ? 'some predicted classes never occur in the labels; they are left out, as scikit-learn does' : undefined);

  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  const zeroDivided = { precision: [] as string[], recall: [] as string[], f1: [] as string[] };
  let tpAll = 0;
  let predAll = 0;
  let trueAll = 0;
  for (const c of labels) {
    const tp = confusion[c * k + c]!;
    tpAll += tp;
    predAll += predSum[c]!;
    trueAll += trueSum[c]!;
    support.push(trueSum[c]!);
    if (predSum[c]! > 0) precision.push(tp / predSum[c]!);
    else {
      precision.push(0);
      zeroDivided.precision.push(p.classes[c]!);
    }
    if (trueSum[c]! > 0) recall.push(tp / trueSum[c]!);
    else {
      recall.push(0);
      zeroDivided.recall.push(p.classes[c]!);
    }
    const denominator = trueSum[c]! + predSum[c]!;
    if (denominator > 0) f1.push((2 * tp) / denominator);
    else {
      f1.push(0);
      zeroDivided.f1.push(p.classes[c]!);
    }
  }
  const note = (names: string[], what: string) => (names.length ? `${what} for class${names.length > 1 ? 'es' : ''} ${names.join(', ')}; ${ZERO_DIVISION}` : undefined);
  const averages = (name: string, values: number[], zero: string[], what: string, micro: number, microDenominator: number) => {
    const macro = values.reduce((a, b) => a + b, 0) / values.length;
    out[`${name}_macro`] = defined(macro, note(zero, what));
    out[`${name}_micro`] = microDenominator > 0 ? defined(micro / microDenominator) : defined(0, `${what}; ${ZERO_DIVISION}`);
    const supportTotal = support.reduce((a, b) => a + b, 0);
    out[`${name}_weighted`] = supportTotal > 0
      ? defined(values.reduce((a, v, i) => a + v * support[i]!, 0) / supportTotal, note(zero, what))
      : undefinedMetric('the labels have zero total weight');
  };
  averages('precision', precision, zeroDivided.precision, 'no predictions', tpAll, predAll);
  averages('recall', recall, zeroDivided.recall, 'no labels', tpAll, trueAll);
  averages('f1', f1, zeroDivided.f1, 'no labels nor predictions', 2 * tpAll, trueAll + predAll);

  if (!p.logLoss) {
    out.log_loss = undefinedMetric('no class probabilities (pass --proba-prefix or --proba-columns)');
  } else if (p.probaProblem) {
    out.log_loss = undefinedMetric(p.probaProblem);
  } else {
    out.log_loss = defined(loss / total, p.unnormalized ? `${p.unnormalized} rows have probabilities that do not sum to 1; used as given, as scikit-learn does` : undefined);
  }

  out.roc_auc_ovr = rocAucOvr(p, mult);

  // sklearn.metrics.matthews_corrcoef, multiclass form.
  let tDotP = 0;
  let pDotP = 0;
  let tDotT = 0;
  for (let c = 0; c < k; c++) {
    tDotP += trueSum[c]! * predSum[c]!;
    pDotP += predSum[c]! * predSum[c]!;
    tDotT += trueSum[c]! * trueSum[c]!;
  }
  const covYtYp = trace * total - tDotP;
  const product = (total * total - pDotP) * (total * total - tDotT);
  out.matthews_corrcoef = product === 0
    ? defined(0, 'only one class in the labels or the predictions; set to 0.0 as scikit-learn does')
    : defined(covYtYp / Math.sqrt(product));
  return out;
}

/** One-vs-rest ROC AUC, macro average, as roc_auc_score(multi_class='ovr', labels=classes). */
function rocAucOvr(p: PreparedMulticlass, mult: Multiplicity): MetricValue {
  if (!p.orders || !p.groupStarts) return undefinedMetric('no class probabilities (pass --proba-prefix or --proba-columns)');
  if (p.probaProblem) return undefinedMetric(p.probaProblem);
  if (p.unnormalized) return undefinedMetric(`${p.unnormalized} rows have class probabilities that do not sum to 1 (scikit-learn refuses roc_auc_ovr then)`);
  let sum = 0;
  for (let c = 0; c < p.k; c++) {
    const { tp, fp, area, rowsPositive, rowsNegative } = rankingSweep({ n: p.n, groupStart: p.groupStarts[c]!, order: p.orders[c]!, labels: p.y, positive: c, weight: p.weight }, mult);
    if (rowsPositive === 0 || rowsNegative === 0 || tp <= 0 || fp <= 0) {
      return undefinedMetric(`class ${p.classes[c]} ${rowsPositive === 0 || tp <= 0 ? 'never occurs in the labels' : 'is the only class in the labels'}: its one-vs-rest ROC AUC is not defined`);
    }
    sum += area / (2 * tp * fp);
  }
  return defined(sum / p.k);
}

/** Weighted confusion matrix, rows = true class, columns = predicted class. */
export function multiclassConfusion(p: PreparedMulticlass): number[][] {
  const matrix = Array.from({ length: p.k }, () => new Array<number>(p.k).fill(0));
  for (let i = 0; i < p.n; i++) matrix[p.y[i]!]![p.pred[i]!]! += p.weight ? p.weight[i]! : 1;
  return matrix;
}
