import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { usageError } from '../errors.js';
import type { MetricPolicy, Policy } from './policy.js';
import { readSide, type Side } from './sides.js';

/** One matrix leg as compare weighed it when picking the challenger. */
export interface CandidateRow {
  source: string;
  /** The policy's first metric, the one legs are ranked by. */
  metric: string;
  value: number | null;
  /** Whether the leg could be picked: evaluate passed and every value bound of the policy holds. */
  eligible: boolean;
  picked: boolean;
  /** Why an ineligible leg was passed over. */
  reason: string | null;
}

/**
 * Each subfolder of `dir` is one matrix leg (a downloaded artifact) holding its evaluate evidence;
 * legs are read in name order, so the same folders give the same pick.
 */
export async function readCandidates(dir: string, cwd: string): Promise<Side[]> {
  const shown = relative(cwd, dir).split('\\').join('/') || dir;
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    const what = error.code === 'ENOTDIR' ? 'is a file, not a folder' : error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code ?? error.message})`;
    throw usageError(`the candidates folder ${shown} ${what}`, { code: 'compare-side-missing', location: { file: shown }, hint: 'Download the matrix legs\' artifacts into one folder (one subfolder per leg) and pass it as candidates.' });
  });
  const legs = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  if (legs.length === 0) throw usageError(`the candidates folder ${shown} holds no leg folders`, { code: 'compare-side-missing', location: { file: shown }, hint: 'Each matrix leg\'s artifact is a subfolder holding evidence/evaluate.json (or evaluate.json).' });
  const sides: Side[] = [];
  for (const leg of legs) sides.push(await readSide(join(dir, leg), 'challenger', cwd));
  return sides;
}

function boundBroken(rule: MetricPolicy, value: number | null | undefined): string | undefined {
  if (value === undefined) return `has no ${rule.name}`;
  if (value === null) return `${rule.name} is undefined on its data`;
  if (rule.min !== undefined && value < rule.min) return `${rule.name} ${value} is below the minimum ${rule.min}`;
  if (rule.max !== undefined && value > rule.max) return `${rule.name} ${value} is above the maximum ${rule.max}`;
  return undefined;
}

function whyIneligible(policy: Policy, side: Side): string | undefined {
  if (side.evaluateStatus !== undefined && side.evaluateStatus !== 'passed') return `its evaluate evidence is ${side.evaluateStatus}`;
  for (const rule of policy.metrics) {
    const broken = boundBroken(rule, side.metrics.get(rule.name));
    if (broken) return broken;
  }
  return undefined;
}

/**
 * The best leg: among those whose evaluate passed and whose values keep every bound of the policy,
 * the best on the policy's first metric (in its direction), the first by name on a tie. With no
 * eligible leg the best on that metric is still compared, and the comparison rejects it.
 */
export function pickCandidate(policy: Policy, sides: readonly Side[]): { picked: Side; rows: CandidateRow[] } {
  const primary = policy.metrics[0];
  if (!primary) throw usageError('picking a leg needs a policy with at least one metric: the first is the one legs are ranked by', { code: 'compare-policy-missing', hint: 'List the metric to rank by first under compare: metrics:.' });
  const better = (a: number, b: number) => (primary.direction === 'higher' ? a > b : a < b);
  const reasons = sides.map((side) => whyIneligible(policy, side));
  let best = -1;
  for (const pool of [true, false]) {
    sides.forEach((side, i) => {
      const value = side.metrics.get(primary.name);
      if (typeof value !== 'number' || (pool && reasons[i] !== undefined)) return;
      const bestValue = best === -1 ? undefined : sides[best]!.metrics.get(primary.name);
      if (best === -1 || better(value, bestValue as number)) best = i;
    });
    if (best !== -1) break;
  }
  if (best === -1) best = 0;
  const rows = sides.map((side, i): CandidateRow => ({
    source: side.source,
    metric: primary.name,
    value: side.metrics.get(primary.name) ?? null,
    eligible: reasons[i] === undefined,
    picked: i === best,
    reason: reasons[i] ?? null,
  }));
  return { picked: sides[best]!, rows };
}
