import type { MetricResult } from './summary.js';
import type { ThresholdResult } from './thresholds.js';
import type { Task } from './types.js';

export interface SliceResult {
  column: string;
  value: string;
  n: number;
  status: 'ok' | 'too-small';
  reason?: string;
  metrics?: Record<string, MetricResult>;
}

export interface ReliabilityPoint {
  lo: number;
  hi: number;
  weight: number;
  meanPredicted: number;
  fractionPositive: number;
}

/** The evaluate step's result, as its evidence records it; see docs/evaluate.md. A type alias, so it fits StepResult's Record data. */
export type EvaluateData = {
  task: Task;
  n: number;
  weighted: boolean;
  metrics: Record<string, MetricResult>;
  /** Classification only. */
  confusionMatrix?: { labels: string[]; matrix: number[][] };
  /** Binary only: the decision threshold, the share of positives, calibration and curves. */
  threshold?: number;
  prevalence?: number | null;
  calibration?: { bins: number; ece: number | null; curve: ReliabilityPoint[] };
  /** Thinned to at most 1000 points; absent when ROC AUC is undefined. */
  curves?: { roc: { fpr: number[]; tpr: number[]; auc: number }; pr: { recall: number[]; precision: number[] } };
  /** Multiclass only. */
  classes?: string[];
  slices: SliceResult[];
  thresholds: ThresholdResult[];
  /** Confidence level of the intervals. */
  confidence: number;
  bootstrap: { resamples: number; seed: number; confidence: number; method: 'percentile'; stratified: boolean } | null;
  predictions: {
    source: string;
    file: string;
    sha256: string;
    rows: number;
    rowsDigest?: string;
    columns: { label: string; score?: string; prediction?: string; weight?: string; id?: string };
  };
  /** Chart name -> SVG file, relative to the working directory. */
  charts: Record<string, string>;
};

/** The metrics a summary line, a slice row and a report headline show for a task. */
export function headlineMetrics(task: Task): string[] {
  if (task === 'binary') return ['roc_auc', 'average_precision', 'f1', 'log_loss'];
  if (task === 'multiclass') return ['accuracy', 'f1_macro', 'roc_auc_ovr', 'log_loss'];
  return ['rmse', 'mae', 'r2'];
}
