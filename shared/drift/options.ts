import { z } from 'zod';
import { usageError } from '../errors.js';
import { DRIFT_METHODS } from '../stats/methods.js';

export const DRIFT_METHOD_CHOICES = ['auto', ...DRIFT_METHODS] as const;
export const FAIL_ON_CHOICES = ['dataset', 'any', 'columns', 'never'] as const;

const method = z.enum(DRIFT_METHOD_CHOICES);

/**
 * Drift options: the `drift` section of modelci.yaml and of a Table Schema's `modelci:drift`
 * extension key. Every field is optional; defaults follow Evidently.
 */
export const driftOptionsSchema = z
  .object({
    method: method.default('auto').describe('Method for every column: auto (Evidently\'s choice), ks, wasserstein, psi, psi-deciles, chisquare, z, jensenshannon, linf or jsd.'),
    methods: z.record(z.string(), method).default({}).describe('Per-column method, overriding `method`.'),
    threshold: z.number().positive().optional().describe('Threshold for every column; default per method (p-value tests 0.05, distances 0.1).'),
    thresholds: z.record(z.string(), z.number().positive()).default({}).describe('Per-column threshold.'),
    columns: z.array(z.string()).optional().describe('Only these columns (default: every column present in both files).'),
    ignore: z.array(z.string()).default([]).describe('Columns to leave out (ids, timestamps, the target).'),
    types: z.record(z.string(), z.enum(['numeric', 'categorical'])).default({}).describe('Column types, overriding the schema and inference.'),
    share: z.number().min(0).max(1).default(0.5).describe('Dataset drift when the share of drifted columns is at least this.'),
    failOn: z.enum(FAIL_ON_CHOICES).default('dataset').describe('What fails the step: dataset drift, any drifted column, a drifted column from `failColumns`, or never.'),
    failColumns: z.array(z.string()).default([]).describe('Columns whose drift fails the step when failOn is `columns`.'),
    sketchAbove: z.number().int().positive().default(10_000_000).describe('Above this many values a numeric column is summarized by a KLL sketch (approximate, bounded memory).'),
    sketchK: z.number().int().min(8).default(4096).describe('KLL sketch size; the rank-error bound is about 2.3 / k^0.97.'),
    charts: z.number().int().min(0).default(3).describe('Histogram comparisons (Mermaid) for this many of the worst columns.'),
  })
  .strict();

/**
 * The `drift:` setting of validate-data in modelci.yaml: checked against driftOptionsSchema (each
 * issue keeps its path, so errors point at the line), but kept as written, without defaults
 * filled in, so it can be layered over a schema's `x-modelci.drift`.
 */
export const driftSettingSchema = z.unknown().superRefine((value, ctx) => {
  const parsed = driftOptionsSchema.safeParse(value);
  if (parsed.success) return;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export type DriftOptions = z.output<typeof driftOptionsSchema>;
export type DriftOptionsInput = z.input<typeof driftOptionsSchema>;

/**
 * Flat inputs for a step (CLI flags, action.yml, GitLab spec:inputs): strings, numbers and string
 * arrays only. Merge into validate-data's input schema and convert with `driftOptionsFromInputs`.
 */
export const driftStepInputs = {
  reference: z.string().optional().describe('Reference data file (CSV, JSON Lines or Parquet) to compare the data against for drift.'),
  driftMethod: method.default('auto').describe('Drift method for every column (auto picks as Evidently does).'),
  driftThreshold: z.number().positive().optional().describe('Drift threshold for every column (default: p-value 0.05, distance 0.1).'),
  driftShare: z.number().min(0).max(1).default(0.5).describe('Share of drifted columns that makes dataset drift.'),
  driftFailOn: z.enum(FAIL_ON_CHOICES).default('dataset').describe('What fails the step: dataset, any, columns (see drift-fail-columns) or never.'),
  driftFailColumns: z.array(z.string()).default([]).describe('Columns whose drift fails the step when drift-fail-on is columns.'),
  driftColumns: z.array(z.string()).default([]).describe('Only compare these columns (default: all shared columns).'),
  driftIgnore: z.array(z.string()).default([]).describe('Columns to leave out of the drift comparison.'),
};

export interface DriftStepInputs {
  driftMethod?: (typeof DRIFT_METHOD_CHOICES)[number];
  driftThreshold?: number;
  driftShare?: number;
  driftFailOn?: (typeof FAIL_ON_CHOICES)[number];
  driftFailColumns?: string[];
  driftColumns?: string[];
  driftIgnore?: string[];
}

/**
 * Step inputs layered over a config/schema `drift` section: a flag the user gave wins over the
 * file. `base` is the parsed section (or {}).
 */
export function driftOptionsFromInputs(inputs: DriftStepInputs, base: DriftOptionsInput = {}): DriftOptions {
  const merged: DriftOptionsInput = { ...base };
  if (inputs.driftMethod !== undefined && inputs.driftMethod !== 'auto') merged.method = inputs.driftMethod;
  if (inputs.driftThreshold !== undefined) merged.threshold = inputs.driftThreshold;
  if (inputs.driftShare !== undefined && inputs.driftShare !== 0.5) merged.share = inputs.driftShare;
  if (inputs.driftFailOn !== undefined && inputs.driftFailOn !== 'dataset') merged.failOn = inputs.driftFailOn;
  if (inputs.driftFailColumns?.length) merged.failColumns = inputs.driftFailColumns;
  if (inputs.driftColumns?.length) merged.columns = inputs.driftColumns;
  if (inputs.driftIgnore?.length) merged.ignore = [...(base.ignore ?? []), ...inputs.driftIgnore];
  return driftOptionsSchema.parse(merged);
}

/**
 * Checks a `drift` section (modelci.yaml `validate-data.drift`, or `x-modelci.drift` in a Table
 * Schema) and returns it unchanged for `driftOptionsFromInputs`; a bad key or value is a usage
 * error naming the file and the path inside the section.
 */
export function checkDriftSection(section: unknown, file: string): DriftOptionsInput {
  if (section === undefined || section === null) return {};
  const parsed = driftOptionsSchema.safeParse(section);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = ['drift', ...issue.path.map(String)].join('.');
    throw usageError(`${where} in ${file}: ${issue.message}`, {
      code: 'drift-bad-options',
      location: { file },
      hint: 'Drift options are listed in docs/drift.md (method, threshold, share, failOn, columns, ignore, ...).',
    });
  }
  return section as DriftOptionsInput;
}
