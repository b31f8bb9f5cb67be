import type { Decision } from './decide.js';

/** The compare step's result, as its evidence records it; see docs/compare.md. */
export interface CompareData extends Omit<Decision, 'notes'> {
  notes: string[];
  challenger: { source: string; kind: string; digest: string };
  champion: { name: string; version: string | null; digest: string; source: string } | null;
  policy: { firstModel: string; paired: string; alpha: number; resamples: number; seed: number };
}

/** How a result names its champion: `churn version 3`, a file, or `no champion`. */
export function championText(champion: CompareData['champion']): string {
  if (!champion) return 'no champion';
  return champion.version ? `${champion.name} version ${champion.version}` : champion.source;
}
