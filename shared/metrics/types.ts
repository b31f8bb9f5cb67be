export type Task = 'binary' | 'multiclass' | 'regression';

/** One metric's point value. `value: null` means undefined on this data, and `reason` says why. */
export interface MetricValue {
  value: number | null;
  /** Why the value is null (one class only, zero variance, ...). */
  reason?: string;
  /** A caveat on a defined value, e.g. scikit-learn's zero_division convention applied. */
  note?: string;
}

export type MetricValues = Record<string, MetricValue>;

/** The names scikit-learn uses (metric functions for binary and regression, scorers for multiclass). */
export const METRICS: Record<Task, readonly string[]> = {
  binary: [
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'f1',
    'roc_auc',
    'average_precision',
    'log_loss',
    'brier_score',
    'matthews_corrcoef',
    'ece',
  ],
  multiclass: [
    'accuracy',
    'balanced_accuracy',
    'precision_macro',
    'precision_micro',
    'precision_weighted',
    'recall_macro',
    'recall_micro',
    'recall_weighted',
    'f1_macro',
    'f1_micro',
    'f1_weighted',
    'log_loss',
    'roc_auc_ovr',
    'matthews_corrcoef',
  ],
  regression: ['mae', 'mse', 'rmse', 'r2', 'mape', 'median_absolute_error', 'explained_variance'],
};

/** Metrics where smaller is better: a `--max` threshold is the natural gate for these. */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set([
  'log_loss',
  'brier_score',
  'ece',
  'mae',
  'mse',
  'rmse',
  'mape',
  'median_absolute_error',
]);

export function defined(value: number, note?: string): MetricValue {
  return note ? { value, note } : { value };
}

export function undefinedMetric(reason: string): MetricValue {
  return { value: null, reason };
}

/**
 * The weight of each row in one evaluation: the user's weight times the bootstrap multiplicity.
 * `mult === null` is the point estimate (every row once).
 */
export type Multiplicity = Uint32Array | null;
