import { z } from 'zod';
import { DRIFT_METHODS } from '../stats/methods.js';
import type { DriftColumn, DriftHistogram, DriftReport } from './report.js';

const driftColumnSchema = z.strictObject({
  name: z.string(),
  type: z.enum(['numeric', 'categorical']),
  method: z.enum(DRIFT_METHODS).nullable().describe('null when the column has no values to compare.'),
  statistic: z.number().nullable().describe('null also for Infinity (chi-square with a category unseen in the reference), which JSON cannot hold.'),
  pValue: z.number().nullable(),
  threshold: z.number().nullable(),
  direction: z.enum(['p<=', 'p<', 'stat>=', 'stat>']).nullable(),
  drifted: z.boolean(),
  approximate: z.boolean().describe('A KLL sketch stood in for the exact values.'),
  rankErrorBound: z.number().optional(),
  pValueMethod: z.enum(['exact', 'asymp']).optional(),
  referenceCount: z.number().int().min(0),
  currentCount: z.number().int().min(0),
  note: z.string().optional(),
}) satisfies z.ZodType<DriftColumn>;

const histogramSchema = z.strictObject({
  column: z.string(),
  labels: z.array(z.string()),
  reference: z.array(z.number()).describe('Percent of reference rows per bin.'),
  current: z.array(z.number()).describe('Percent of current rows per bin.'),
}) satisfies z.ZodType<DriftHistogram>;

/** Drift of the data against a reference, as validate-data records it; see docs/drift.md. */
export const driftResult = z.strictObject({
  datasetDrift: z.boolean(),
  share: z.number().min(0).max(1).describe('Share of compared columns that drifted.'),
  shareThreshold: z.number(),
  driftedColumns: z.number().int().min(0),
  comparedColumns: z.number().int().min(0),
  columns: z.array(driftColumnSchema),
  histograms: z.array(histogramSchema).describe('Bins of the worst columns, for the report charts.'),
  failed: z.boolean().describe('Whether drift fails the step (drift-fail-on).'),
  cause: z.string().optional().describe('Why drift fails the step.'),
}) satisfies z.ZodType<DriftReport & { failed: boolean; cause?: string }>;
