import { z } from 'zod';
import type { MetricResult } from './summary.js';
import type { ThresholdResult } from './thresholds.js';
import type { Task } from './types.js';

const interval = z.tuple([z.number(), z.number()]);

const metricResultSchema = z.strictObject({
  value: z.number().nullable(),
  ci: interval.nullable().describe('Percentile bootstrap interval; null when the bootstrap is off or the metric is undefined.'),
  n: z.number().int().min(0).describe('Rows the value was computed on.'),
  reason: z.string().optional(),
  note: z.string().optional(),
}) satisfies z.ZodType<MetricResult>;

const thresholdResultSchema = z.strictObject({
  metric: z.string(),
  op: z.enum(['>=', '<=']),
  threshold: z.number(),
  value: z.number().nullable(),
  passed: z.boolean(),
  reason: z.string().optional(),
}) satisfies z.ZodType<ThresholdResult>;

const metricsSchema = z.record(z.string(), metricResultSchema);

const sliceResultSchema = z.strictObject({
  column: z.string(),
  value: z.string(),
  n: z.number().int().min(0),
  status: z.enum(['ok', 'too-small']),
  reason: z.string().optional(),
  metrics: metricsSchema.optional(),
});

const reliabilityPointSchema = z.strictObject({ lo: z.number(), hi: z.number(), weight: z.number(), meanPredicted: z.number(), fractionPositive: z.number() });

/** The evaluate step's result; see docs/evaluate.md. */
export const evaluateResult = z.strictObject({
  task: z.enum(['binary', 'multiclass', 'regression']) satisfies z.ZodType<Task>,
  n: z.number().int().min(0),
  weighted: z.boolean(),
  metrics: metricsSchema,
  confusionMatrix: z.strictObject({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) }).optional().describe('Classification only.'),
  threshold: z.number().optional().describe('Binary only: the decision threshold.'),
  prevalence: z.number().nullable().optional().describe('Binary only: the share of positives.'),
  calibration: z.strictObject({ bins: z.number().int(), ece: z.number().nullable(), curve: z.array(reliabilityPointSchema) }).optional(),
  curves: z
    .strictObject({
      roc: z.strictObject({ fpr: z.array(z.number()), tpr: z.array(z.number()), auc: z.number() }),
      pr: z.strictObject({ recall: z.array(z.number()), precision: z.array(z.number()) }),
    })
    .optional()
    .describe('Binary only, thinned to at most 1000 points; absent when ROC AUC is undefined.'),
  classes: z.array(z.string()).optional().describe('Multiclass only.'),
  slices: z.array(sliceResultSchema),
  thresholds: z.array(thresholdResultSchema),
  confidence: z.number().gt(0).lt(1).describe('Confidence level of the intervals.'),
  bootstrap: z.strictObject({ resamples: z.number().int(), seed: z.number().int(), confidence: z.number(), method: z.literal('percentile'), stratified: z.boolean() }).nullable(),
  predictions: z.strictObject({
    source: z.string(),
    file: z.string().describe('The stored copy compare re-reads, relative to the working directory.'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    rows: z.number().int().min(0),
    rowsDigest: z.string().optional().describe('Digest of the (id, label) pairs, with an id column: how compare knows two evaluations scored the same rows.'),
    columns: z.strictObject({ label: z.string(), score: z.string().optional(), prediction: z.string().optional(), weight: z.string().optional(), id: z.string().optional() }),
  }),
  charts: z.record(z.string(), z.string()).describe('Chart name -> SVG file, relative to the working directory.'),
});

// A type alias, so it fits StepResult's Record data.
export type EvaluateData = z.output<typeof evaluateResult>;
export type SliceResult = z.output<typeof sliceResultSchema>;

/** The metrics a summary line, a slice row and a report headline show for a task. */
export function headlineMetrics(task: Task): string[] {
  if (task === 'binary') return ['roc_auc', 'average_precision', 'f1', 'log_loss'];
  if (task === 'multiclass') return ['accuracy', 'f1_macro', 'roc_auc_ovr', 'log_loss'];
  return ['rmse', 'mae', 'r2'];
}
