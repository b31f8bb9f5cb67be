import { z } from 'zod';
import type { CandidateRow } from './candidates.js';
import type { Decision } from './decide.js';

/** The compare step's result, as its evidence records it; see docs/compare.md. */
export interface CompareData extends Omit<Decision, 'notes'> {
  notes: string[];
  challenger: { source: string; kind: string; digest: string };
  champion: { name: string; version: string | null; digest: string; source: string } | null;
  policy: { firstModel: string; paired: string; alpha: number; resamples: number; seed: number };
  /** With candidates: every matrix leg weighed, the picked one marked. */
  candidates?: CandidateRow[];
}

/** How a result names its champion: `churn version 3`, a file, or `no champion`. */
export function championText(champion: CompareData['champion']): string {
  if (!champion) return 'no champion';
  return champion.version ? `${champion.name} version ${champion.version}` : champion.source;
}

const ruleOutcomeSchema = z.strictObject({
  rule: z.string(),
  passed: z.boolean().nullable().describe('null: the rule was skipped (no champion under first-model: allow).'),
  detail: z.string(),
});

const metricComparisonSchema = z.strictObject({
  name: z.string(),
  direction: z.enum(['higher', 'lower']),
  champion: z.number().nullable(),
  challenger: z.number().nullable(),
  delta: z.number().nullable().describe('challenger - champion'),
  relDelta: z.number().nullable().describe('delta / |champion|; null when the champion is within 1e-12 of zero.'),
  ci: z.tuple([z.number(), z.number()]).nullable().describe('Interval of the change at 1 - alpha, from the paired bootstrap.'),
  pValue: z.number().nullable(),
  test: z.string().nullable(),
  rules: z.array(ruleOutcomeSchema),
  passed: z.boolean(),
});

/** The compare step's result schema; see docs/compare.md. */
export const compareResult = z.strictObject({
  decision: z.enum(['promote', 'reject']),
  paired: z.boolean().nullable().describe('Whether both sides scored the same rows; null without a champion.'),
  reasons: z.array(z.string()).describe('Why the challenger is rejected; empty when promoted.'),
  notes: z.array(z.string()),
  metrics: z.array(metricComparisonSchema),
  challenger: z.strictObject({ source: z.string(), kind: z.string(), digest: z.string() }),
  champion: z.strictObject({ name: z.string(), version: z.string().nullable(), digest: z.string(), source: z.string() }).nullable(),
  policy: z.strictObject({ firstModel: z.string(), paired: z.string(), alpha: z.number(), resamples: z.number().int(), seed: z.number().int() }),
  candidates: z.array(z.strictObject({
    source: z.string(),
    metric: z.string().describe("The policy's first metric, which the legs are ranked by."),
    value: z.number().nullable(),
    eligible: z.boolean().describe('evaluate passed and every value bound of the policy holds'),
    picked: z.boolean(),
    reason: z.string().nullable().describe('Why an ineligible leg was passed over.'),
  })).optional().describe('With candidates: every matrix leg weighed; the picked one is the challenger.'),
}) satisfies z.ZodType<CompareData>;
