/**
 * From per-column distributions to the drift report: method choice, thresholds, dataset drift,
 * severity order, and the histograms of the worst columns (report/sections/drift.ts renders them).
 */
import type { XyChart } from '../report/mermaid.js';
import { evidentlyBins, type Binned } from '../stats/binning.js';
import type { Distribution } from '../stats/distribution.js';
import { autoMethod, isDrifted, METHOD_INFO, runMethod, type Direction, type DriftMethod } from '../stats/methods.js';
import type { DriftOptions } from './options.js';

export interface DriftColumn {
  name: string;
  type: 'numeric' | 'categorical';
  /** null when the column has no values to compare. */
  method: DriftMethod | null;
  /** May be Infinity (chi-square with a category unseen in the reference); JSON writes null. */
  statistic: number | null;
  /** p-value for the tests (ks, chisquare, z); null for distances. */
  pValue: number | null;
  threshold: number | null;
  /** How statistic/pValue is compared with the threshold. */
  direction: Direction | null;
  drifted: boolean;
  /** True when a KLL sketch stood in for the exact values. */
  approximate: boolean;
  /** Normalized rank-error bound of the sketch (per sample), when approximate. */
  rankErrorBound?: number;
  /** ks only: exact or asymptotic p-value, as scipy chose. */
  pValueMethod?: 'exact' | 'asymp';
  referenceCount: number;
  currentCount: number;
  /** Why the column was not compared. */
  note?: string;
}

export interface DriftReport {
  datasetDrift: boolean;
  /** Share of compared columns that drifted. */
  share: number;
  /** The share that makes dataset drift. */
  shareThreshold: number;
  driftedColumns: number;
  comparedColumns: number;
  columns: DriftColumn[];
  /** Bins of the worst columns (at most the `charts` option), in percent of rows, for the report's charts. */
  histograms: DriftHistogram[];
}

/** One column's distribution over the drift method's bins: reference and current, in percent of rows. */
export interface DriftHistogram {
  column: string;
  labels: string[];
  reference: number[];
  current: number[];
}

export interface ColumnPair {
  name: string;
  reference: Distribution;
  current: Distribution;
}

interface Computed {
  column: DriftColumn;
  binned?: Binned;
  reference: Distribution;
  current: Distribution;
}

/** Larger is worse; >= 1 roughly means past the threshold. */
export function severity(column: DriftColumn): number {
  if (column.method === null || column.statistic === null || column.threshold === null) return -Infinity;
  if (METHOD_INFO[column.method].kind === 'test') {
    const p = Math.max(column.pValue ?? 1, 1e-300);
    return Math.log(p) / Math.log(column.threshold);
  }
  if (Number.isNaN(column.statistic)) return -Infinity;
  return column.statistic / column.threshold;
}

function compareSeverity(a: DriftColumn, b: DriftColumn): number {
  if (a.drifted !== b.drifted) return a.drifted ? -1 : 1;
  const sa = severity(a);
  const sb = severity(b);
  if (sa !== sb) return sb > sa ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function computeColumn(pair: ColumnPair, options: DriftOptions): Computed {
  const { name, reference, current } = pair;
  const type = reference.kind;
  const approximate =
    (reference.kind === 'numeric' && reference.rankError !== undefined) || (current.kind === 'numeric' && current.rankError !== undefined);
  const counts = { referenceCount: reference.n, currentCount: current.n };
  const skipped = (method: DriftMethod | null, note: string): Computed => ({
    column: { name, type, method, statistic: null, pValue: null, threshold: null, direction: null, drifted: false, approximate, ...counts, note },
    reference,
    current,
  });
  if (reference.n === 0 || current.n === 0) return skipped(null, reference.n === 0 ? 'no values in the reference' : 'no values in the current data');
  const chosen = options.methods[name] ?? options.method;
  const method: DriftMethod = chosen === 'auto' ? autoMethod(reference, current) : chosen;
  const info = METHOD_INFO[method];
  if (type === 'numeric' ? !info.numeric : !info.categorical) return skipped(method, `${method} needs a numeric column`);
  const threshold = options.thresholds[name] ?? options.threshold ?? info.defaultThreshold;
  const result = runMethod(method, reference, current);
  const column: DriftColumn = {
    name,
    type,
    method,
    statistic: result.statistic,
    pValue: result.pValue,
    threshold,
    direction: info.direction,
    drifted: isDrifted(method, result, threshold),
    approximate,
    ...counts,
  };
  if (approximate) {
    const bounds = [reference, current].map((d) => (d.kind === 'numeric' ? (d.rankError ?? 0) : 0));
    column.rankErrorBound = Math.max(...bounds);
  }
  if (result.pMethod) column.pValueMethod = result.pMethod;
  return { column, ...(result.binned ? { binned: result.binned } : {}), reference, current };
}

export function computeDrift(pairs: ColumnPair[], options: DriftOptions): DriftReport {
  const computed = pairs.map((pair) => computeColumn(pair, options));
  computed.sort((a, b) => compareSeverity(a.column, b.column));
  const columns = computed.map((c) => c.column);
  const compared = columns.filter((c) => c.method !== null && c.statistic !== null);
  const drifted = compared.filter((c) => c.drifted).length;
  const share = compared.length ? drifted / compared.length : 0;
  return {
    datasetDrift: compared.length > 0 && share >= options.share,
    share,
    shareThreshold: options.share,
    driftedColumns: drifted,
    comparedColumns: compared.length,
    columns,
    histograms: computed.filter((c) => c.column.statistic !== null).slice(0, options.charts).map(histogramOf),
  };
}

const MAX_CHART_BINS = 24;

/** Reference and current in percent of rows over the method's bins; many categories are cut to the most frequent. */
function histogramOf(c: Computed): DriftHistogram {
  const binned = c.binned ?? evidentlyBins(c.reference, c.current);
  let order = [...binned.labels.keys()];
  if (!binned.edges && order.length > MAX_CHART_BINS) {
    // Categories: the most frequent ones overall, in their original order.
    const weight = (i: number) => binned.ref[i]! / binned.nRef + binned.cur[i]! / binned.nCur;
    const top = new Set([...order].sort((a, b) => weight(b) - weight(a)).slice(0, MAX_CHART_BINS));
    order = order.filter((i) => top.has(i));
  }
  return {
    column: c.column.name,
    labels: order.map((i) => binned.labels[i]!),
    reference: order.map((i) => (100 * binned.ref[i]!) / binned.nRef),
    current: order.map((i) => (100 * binned.cur[i]!) / binned.nCur),
  };
}

/** Reference bars and a current line, in percent of rows. */
export function histogramChart(h: DriftHistogram): XyChart {
  const max = Math.max(...h.reference, ...h.current, 1);
  return {
    // Mermaid renders labels as HTML in some hosts: keep tags out of data-derived text.
    title: `${h.column.replace(/[<>&]/g, ' ')}: reference (bars) vs current (line)`,
    x: { labels: h.labels.map((label) => label.replace(/[<>&]/g, ' ')) },
    y: { title: '% of rows', min: 0, max: Math.ceil(max * 1.1) },
    series: [
      { kind: 'bar', values: h.reference },
      { kind: 'line', values: h.current },
    ],
  };
}
