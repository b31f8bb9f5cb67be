import { xyChart, type XyChart } from '../mermaid.js';
import { heatmap, lineChart, PALETTE } from './svg.js';

/**
 * The evaluation charts (ROC, precision-recall, calibration, confusion matrix), each as a
 * standalone SVG and as a Mermaid xychart-beta block for PR/MR comments.
 */
export interface Chart {
  name: string;
  svg: string;
  /** The chart's data for Mermaid (and the table beside it in HTML). */
  xy: XyChart;
  mermaid: string;
}

function chart(name: string, svg: string, xy: XyChart): Chart {
  return { name, svg, xy, mermaid: xyChart(xy) };
}

export interface CurveInput {
  x: number[];
  y: number[];
}

function pairs(c: CurveInput): [number, number][] {
  return c.x.map((x, i) => [x, c.y[i]!]);
}

const GRID = Array.from({ length: 21 }, (_, i) => i / 20);

/** tpr at each fpr of the grid, linear between curve points, the highest tpr where fpr repeats. */
function interpolate(c: CurveInput, grid: number[]): number[] {
  return grid.map((g) => {
    let j = 0;
    while (j + 1 < c.x.length && c.x[j + 1]! <= g) j++;
    if (j + 1 >= c.x.length || c.x[j]! === g) return c.y[j]!;
    const x0 = c.x[j]!;
    const x1 = c.x[j + 1]!;
    return c.y[j]! + ((g - x0) / (x1 - x0)) * (c.y[j + 1]! - c.y[j]!);
  });
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? 'undefined' : v.toFixed(3);
}

function ciText(v: number | null | undefined, ci?: [number, number] | null): string {
  return ci ? `${fmt(v)} [${fmt(ci[0])}, ${fmt(ci[1])}]` : fmt(v);
}

/** Mermaid titles are cut at 40 characters and lose brackets: keep them short. */
function shortTitle(name: string, metric: string, v: number | null | undefined, ci?: [number, number] | null): string {
  return ci ? `${name}, ${metric} ${fmt(v)} (${fmt(ci[0])}-${fmt(ci[1])})` : `${name}, ${metric} ${fmt(v)}`;
}

interface UnitSquarePlot {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  model: [number, number][];
  markers?: boolean;
  reference: { name: string; points: [number, number][] };
}

/** The SVG of a curve on [0, 1] x [0, 1] with a dashed reference line (ROC, PR, calibration). */
function unitSquareSvg(plot: UnitSquarePlot): string {
  return lineChart({
    title: plot.title,
    subtitle: plot.subtitle,
    xLabel: plot.xLabel,
    yLabel: plot.yLabel,
    x: { min: 0, max: 1 },
    y: { min: 0, max: 1 },
    series: [
      { name: 'model', points: plot.model, markers: plot.markers ?? false, color: PALETTE[0] },
      { name: plot.reference.name, points: plot.reference.points, dashed: true, color: '#9ca3af' },
    ],
  });
}

export function rocChart(roc: CurveInput, auc: number | null, ci?: [number, number] | null, title = 'ROC curve'): Chart {
  const subtitle = `ROC AUC ${ciText(auc, ci)}`;
  const svg = unitSquareSvg({
    title,
    subtitle,
    xLabel: 'False positive rate',
    yLabel: 'True positive rate',
    model: pairs(roc),
    reference: { name: 'chance', points: [[0, 0], [1, 1]] },
  });
  const xy: XyChart = {
    title: shortTitle('ROC', 'AUC', auc, ci),
    x: { min: 0, max: 1, title: 'False positive rate' },
    y: { title: 'True positive rate', min: 0, max: 1 },
    series: [
      { kind: 'line', values: interpolate(roc, GRID) },
      { kind: 'line', values: GRID },
    ],
  };
  return chart('roc', svg, xy);
}

export function precisionRecallChart(pr: CurveInput, ap: number | null, prevalence: number, ci?: [number, number] | null, title = 'Precision-recall curve'): Chart {
  const subtitle = `Average precision ${ciText(ap, ci)}`;
  // Display only: PR curves drawn as steps from recall 0 upward.
  const ordered = pairs(pr).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const svg = unitSquareSvg({
    title,
    subtitle,
    xLabel: 'Recall',
    yLabel: 'Precision',
    model: ordered,
    reference: { name: `prevalence ${prevalence.toFixed(3)}`, points: [[0, prevalence], [1, prevalence]] },
  });
  // Interpolated precision (the best precision at recall >= r), the usual way to plot PR on a grid.
  const values = GRID.map((g) => {
    let best = 0;
    for (const [recall, precision] of ordered) if (recall >= g - 1e-12 && precision > best) best = precision;
    return best;
  });
  const xy: XyChart = {
    title: shortTitle('PR', 'AP', ap, ci),
    x: { min: 0, max: 1, title: 'Recall' },
    y: { title: 'Precision', min: 0, max: 1 },
    series: [
      { kind: 'line', values },
      { kind: 'line', values: GRID.map(() => prevalence) },
    ],
  };
  return chart('precision-recall', svg, xy);
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  weight: number;
  meanPredicted: number;
  fractionPositive: number;
}

export function calibrationChart(bins: ReliabilityBin[], ece: number | null, ci?: [number, number] | null, title = 'Calibration (reliability curve)'): Chart {
  const subtitle = `Expected calibration error ${ciText(ece, ci)}`;
  const svg = unitSquareSvg({
    title,
    subtitle,
    xLabel: 'Mean predicted probability',
    yLabel: 'Fraction of positives',
    model: bins.map((b) => [b.meanPredicted, b.fractionPositive]),
    markers: true,
    reference: { name: 'perfectly calibrated', points: [[0, 0], [1, 1]] },
  });
  const xy: XyChart = {
    title: shortTitle('Calibration', 'ECE', ece, ci),
    x: { labels: bins.map((b) => `${b.lo.toFixed(1)}-${b.hi.toFixed(1)}`) },
    y: { title: 'Fraction of positives', min: 0, max: 1 },
    series: [
      { kind: 'bar', values: bins.map((b) => b.fractionPositive) },
      { kind: 'line', values: bins.map((b) => b.meanPredicted) },
    ],
  };
  return chart('calibration', svg, xy);
}

export function confusionChart(labels: string[], matrix: number[][], title = 'Confusion matrix'): Chart {
  const integral = matrix.flat().every((v) => Number.isInteger(v));
  const svg = heatmap({
    title,
    subtitle: 'rows: true · columns: predicted · shade: share of row',
    xLabel: 'Predicted class',
    yLabel: 'True class',
    rowLabels: labels,
    columnLabels: labels,
    values: matrix,
    normalizeRows: true,
    cellText: (v) => (integral ? String(v) : Number(v.toPrecision(4)).toString()),
  });
  let xy: XyChart;
  if (labels.length === 2) {
    const [[tn, fp], [fn, tp]] = matrix as [[number, number], [number, number]];
    xy = {
      title,
      x: { labels: [`TN (true ${labels[0]})`, `FP (true ${labels[0]})`, `FN (true ${labels[1]})`, `TP (true ${labels[1]})`] },
      y: { title: 'Rows' },
      series: [{ kind: 'bar', values: [tn, fp, fn, tp] }],
    };
  } else {
    xy = {
      title: 'Rows and correct per true class',
      x: { labels },
      y: { title: 'Rows' },
      series: [
        { kind: 'bar', values: matrix.map((row) => row.reduce((a, b) => a + b, 0)) },
        { kind: 'bar', values: matrix.map((row, i) => row[i]!) },
      ],
    };
  }
  return chart('confusion-matrix', svg, xy);
}
