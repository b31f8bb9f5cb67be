import { z } from 'zod';
import { LOWER_IS_BETTER, METRICS } from '../metrics/types.js';

/** An absolute amount (`0.01`) or a share of the champion's absolute value (`'5%'`). */
export type Amount = { kind: 'absolute'; value: number } | { kind: 'relative'; percent: number };

const amountSchema = z.union([
  z.number().nonnegative('must be zero or more').refine(Number.isFinite, 'must be a finite number'),
  z.string().regex(/^\s*\d+(\.\d+)?\s*%\s*$/, 'must be a number or a percentage such as 5%'),
]);

export const metricRuleSchema = z
  .strictObject({
    direction: z.enum(['higher', 'lower']).optional().describe('Whether a higher or a lower value is better; default from the scikit-learn name.'),
    min: z.number().refine(Number.isFinite, 'must be a finite number').optional().describe("Inclusive lower bound on the challenger's value."),
    max: z.number().refine(Number.isFinite, 'must be a finite number').optional().describe("Inclusive upper bound on the challenger's value."),
    'min-improvement': amountSchema.optional().describe('The challenger must beat the champion by at least this (absolute, or N% of the champion).'),
    'max-regression': amountSchema.optional().describe('The challenger may be worse than the champion by at most this (a non-inferiority margin).'),
    significance: z.boolean().optional().describe('The change rules must hold for the lower end of the interval of the change, not only the point value.'),
  });

export const policyShape = {
  'first-model': z.enum(['reject', 'allow']).describe('With no champion: reject (default), or allow on the value bounds alone.'),
  paired: z.enum(['required', 'allow-unpaired']).describe('Whether both models must have been scored on the same rows (default required).'),
  alpha: z.number().gt(0).lt(1).describe('Family-wise significance level, Holm-corrected across the metrics with significance: true (default 0.05).'),
  resamples: z.number().int().min(100).max(100_000).describe('Paired bootstrap resamples (default 2000).'),
  seed: z.number().int().min(0).describe('Seed of the paired bootstrap (default 42).'),
  metrics: z.record(z.string().min(1), metricRuleSchema).describe('Rules by metric name.'),
} as const;

export const policyFileSchema = z.strictObject(policyShape).partial();

export type MetricRuleInput = z.infer<typeof metricRuleSchema>;
export type PolicyInput = z.infer<typeof policyFileSchema>;

export interface MetricPolicy {
  name: string;
  direction: 'higher' | 'lower';
  min?: number;
  max?: number;
  minImprovement?: Amount;
  maxRegression?: Amount;
  significance: boolean;
}

export interface Policy {
  firstModel: 'reject' | 'allow';
  paired: 'required' | 'allow-unpaired';
  alpha: number;
  resamples: number;
  seed: number;
  metrics: MetricPolicy[];
}

/** Where a policy value was written, by its path in the policy (e.g. ['metrics', 'roc_auc', 'min']). */
export type PolicyLocator = (path: readonly (string | number)[]) => { file: string; line?: number; column?: number };

const KNOWN_METRICS: ReadonlySet<string> = new Set(Object.values(METRICS).flat());

/** The direction a scikit-learn metric name implies, or undefined for a name modelci does not know. */
export function defaultDirection(name: string): 'higher' | 'lower' | undefined {
  if (!KNOWN_METRICS.has(name)) return undefined;
  return LOWER_IS_BETTER.has(name) ? 'lower' : 'higher';
}

export function parseAmount(value: number | string): Amount {
  if (typeof value === 'number') return { kind: 'absolute', value };
  return { kind: 'relative', percent: Number(value.trim().replace(/%$/, '').trim()) };
}

export function formatAmount(amount: Amount): string {
  return amount.kind === 'absolute' ? String(amount.value) : `${amount.percent}%`;
}

export class PolicyProblem extends Error {
  constructor(
    message: string,
    readonly path: readonly (string | number)[],
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Fills defaults and resolves directions; a metric modelci does not know needs its direction written. */
export function normalizePolicy(input: PolicyInput): Policy {
  const metrics = Object.entries(input.metrics ?? {}).map(([name, rule]): MetricPolicy => {
    const direction = rule.direction ?? defaultDirection(name);
    if (!direction) {
      throw new PolicyProblem(`unknown metric '${name}': say whether higher or lower is better`, ['metrics', name], `Add direction: higher (or lower) for a metric of your own, or use a scikit-learn name: ${[...KNOWN_METRICS].sort().join(', ')}.`);
    }
    if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
      throw new PolicyProblem(`'${name}': min ${rule.min} is above max ${rule.max}, so no value passes`, ['metrics', name, 'min']);
    }
    return {
      name,
      direction,
      ...(rule.min !== undefined ? { min: rule.min } : {}),
      ...(rule.max !== undefined ? { max: rule.max } : {}),
      ...(rule['min-improvement'] !== undefined ? { minImprovement: parseAmount(rule['min-improvement']) } : {}),
      ...(rule['max-regression'] !== undefined ? { maxRegression: parseAmount(rule['max-regression']) } : {}),
      significance: rule.significance ?? false,
    };
  });
  return {
    firstModel: input['first-model'] ?? 'reject',
    paired: input.paired ?? 'required',
    alpha: input.alpha ?? 0.05,
    resamples: input.resamples ?? 2000,
    seed: input.seed ?? 42,
    metrics,
  };
}
