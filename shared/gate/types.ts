import { z } from 'zod';
import { durationSchema } from './duration.js';

/**
 * The gate's contracts, shared by the stage config (stages.ts), the live analysis (analysis/)
 * and the step. Every decision is a list of checks with numbers; a stage passes only when
 * every check ran and passed.
 */
export interface GateCheck {
  /** `version-exists`, `evidence:evaluate`, `previous-stage`, `min-soak`, `approvals`, `analysis:error_rate`, ... */
  name: string;
  passed: boolean;
  /** One line with the numbers: what was seen against what was required. */
  detail: string;
  /** Structured numbers for the audit record (values, bounds, queries, times). */
  data?: Record<string, unknown>;
}

const bound = z.number().finite();

/** A metric measured by one instant query, held to a bound (at least one of min and max). */
export const thresholdMetricSchema = z
  .object({
    name: z.string().min(1),
    query: z.string().min(1),
    min: bound.optional(),
    max: bound.optional(),
  })
  .strict()
  .refine((metric) => metric.min !== undefined || metric.max !== undefined, {
    message: 'a metric needs a bound (min or max): with none it would pass on any value, even no data',
  });

/** A canary series against a baseline series, judged by a Mann-Whitney U test (as Kayenta). */
export const comparisonMetricSchema = z
  .object({
    name: z.string().min(1),
    compare: z.object({ canary: z.string().min(1), baseline: z.string().min(1) }).strict(),
    test: z.literal('mann-whitney'),
    /** The canary's median may exceed the baseline's by at most this much (absolute). */
    'max-increase': bound.nonnegative().optional(),
    'max-decrease': bound.nonnegative().optional(),
    /** Significance level of the one-sided test. */
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .strict()
  .refine((metric) => metric['max-increase'] !== undefined || metric['max-decrease'] !== undefined, {
    message: 'a comparison needs max-increase or max-decrease: with neither it would pass on any value',
  });

export const analysisMetricSchema = z.union([thresholdMetricSchema, comparisonMetricSchema]);

export const analysisSpecSchema = z
  .object({
    prometheus: z
      .object({
        url: z.string().url(),
        /** Name of an environment variable holding a bearer token (never the token itself). */
        'token-env': z.string().min(1).optional(),
        timeout: durationSchema.default(10_000),
      })
      .strict(),
    'initial-delay': durationSchema.default(0),
    interval: durationSchema,
    count: z.number().int().min(1, 'count must be at least 1: with 0 measurements the analysis would pass on no data'),
    'failure-limit': z.number().int().min(0).default(0),
    metrics: z.array(analysisMetricSchema).min(1, 'an analysis needs at least one metric'),
  })
  .strict()
  .refine((spec) => spec['failure-limit'] < spec.count, {
    message: 'failure-limit must be below count: with every measurement allowed to fail the analysis could pass on no data',
    path: ['failure-limit'],
  })
  .refine((spec) => new Set(spec.metrics.map((metric) => metric.name)).size === spec.metrics.length, {
    message: 'metric names must be unique: each names its check (analysis:<name>) in the decision and the audit record',
    path: ['metrics'],
  });

export type ThresholdMetric = z.infer<typeof thresholdMetricSchema>;
export type ComparisonMetric = z.infer<typeof comparisonMetricSchema>;
export type AnalysisMetric = z.infer<typeof analysisMetricSchema>;
/** Durations are milliseconds after parsing. */
export type AnalysisSpec = z.infer<typeof analysisSpecSchema>;

/** One measurement of one metric, as printed while the analysis runs and kept in the audit record. */
export interface Measurement {
  metric: string;
  /** 1-based: the n of `n/count`. */
  index: number;
  count: number;
  /** The value seen; null when there was none (empty result, NaN, Inf, provider error). */
  value: number | null;
  /** For comparisons: the baseline's value (median of its samples). */
  baseline?: number | null;
  /** The bound as text: `<= 0.01`, `increase <= 0.002 (Mann-Whitney, alpha 0.05)`. */
  bound: string;
  passed: boolean;
  /** Why a measurement failed without a value: `empty result`, `NaN`, `Prometheus unreachable: ...`. */
  error?: string;
  /** The PromQL queries sent. */
  queries: string[];
  /** ISO time of the measurement. */
  at: string;
  /** For comparisons: the test's p-value. */
  pValue?: number;
}

export interface AnalysisOutcome {
  passed: boolean;
  /** One line: `error_rate: 2 of 10 measurements failed (limit 1)`. */
  reason: string;
  measurements: Measurement[];
  /** One check per metric (`analysis:<name>`), for the decision and the audit record. */
  checks: GateCheck[];
}

/** What the analysis needs from outside; tests give a controllable clock and sleep. */
export interface AnalysisDeps {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Progress: each measurement as it comes. */
  log(line: string): void;
  signal?: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** The stage analysed, prefixing each progress line (`canary error_rate 3/10: ...`). */
  stage?: string;
  /** Hides a secret from the job log (the Prometheus token, read from `token-env`). */
  mask?(secret: string): void;
}

export type RunAnalysis = (spec: AnalysisSpec, deps: AnalysisDeps) => Promise<AnalysisOutcome>;
