import { createHash, randomUUID } from 'node:crypto';
import type { RunInfo } from '../../platform/types.js';

/**
 * The job's submission id, the same for the same CI run, attempt, job and training (its run-cache
 * key tells matrix legs apart): a re-run of the step attaches to the job its first try submitted,
 * and a cancel hook can find it. Outside CI (no run id) each run submits its own job.
 */
export function submissionId(run: RunInfo, step: string, cacheKey: string): { id: string; deterministic: boolean } {
  if (!run.id) return { id: `modelci-${step}-${randomUUID().replace(/-/g, '').slice(0, 20)}`, deterministic: false };
  const material = JSON.stringify([run.repository ?? '', run.id, run.attempt ?? '', run.job ?? '', step, cacheKey]);
  return { id: `modelci-${step}-${createHash('sha256').update(material).digest('hex').slice(0, 20)}`, deterministic: true };
}
