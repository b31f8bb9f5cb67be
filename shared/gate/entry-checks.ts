import type { DeploymentGate } from '../platform/deployments.js';
import type { Approval } from '../platform/deployments.js';
import type { AliasEvent, Registry } from '../registry/types.js';
import type { Stage } from './stages.js';
import type { GateCheck } from './types.js';

/** `2h 5m`, `45s`, `1d 3h`: a held time for people. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(ms / 1000));
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || (unit === 's' && parts.length === 0)) parts.push(`${amount}${unit}`);
  }
  return parts.join(' ');
}

/**
 * The version must be what the previous stage's alias holds now and, with min-soak, have held it
 * that long: the time since the alias history's last move onto it, by the injected clock.
 */
export async function previousStageChecks(registry: Registry, name: string, version: string, stage: Stage, now: number): Promise<GateCheck[]> {
  if (!stage.after) return [];
  const after = stage.after;
  const holds = await registry.getAlias(name, after);
  const events = await registry.history(name, after);
  const last: AliasEvent | undefined = events.filter((event) => event.alias === after).sort((a, b) => a.seq - b.seq).at(-1);
  const checks: GateCheck[] = [];
  const passedThrough = holds === version;
  checks.push({
    name: 'previous-stage',
    passed: passedThrough,
    detail: passedThrough ? `${after} holds version ${version}${last ? ` since ${last.at}` : ''}` : `${after} holds ${holds === undefined ? 'no version' : `version ${holds}`}, not ${version}: a version enters ${stage.name} only from ${after}`,
    data: { stage: after, holds: holds ?? null, required: version, since: last?.to === version ? last.at : null, seq: last?.seq ?? null },
  });
  if (stage.minSoakMs === undefined) return checks;
  const required = formatDuration(stage.minSoakMs);
  if (!passedThrough || !last || last.to !== version) {
    checks.push({ name: 'min-soak', passed: false, detail: `version ${version} is not in ${after}, so it has soaked there for 0s of the ${required} required`, data: { stage: after, heldMs: 0, requiredMs: stage.minSoakMs } });
    return checks;
  }
  const since = Date.parse(last.at);
  const heldMs = now - since;
  const passed = Number.isFinite(heldMs) && heldMs >= stage.minSoakMs;
  checks.push({
    name: 'min-soak',
    passed,
    detail: passed ? `held ${after} for ${formatDuration(heldMs)} (since ${last.at}), at least ${required} required` : `held ${after} for ${formatDuration(heldMs)} (since ${last.at}), less than the ${required} required; ready at ${new Date(since + stage.minSoakMs).toISOString()}`,
    data: { stage: after, since: last.at, heldMs, requiredMs: stage.minSoakMs, now: new Date(now).toISOString(), seq: last.seq },
  });
  return checks;
}

/** Approvals are verified by the platform; no platform support, or an environment that does not enforce them, denies with the fix. */
export async function approvalsCheck(stage: Stage, deployments: DeploymentGate | { unavailable: string }): Promise<{ check: GateCheck; approvals: Approval[] }> {
  if ('unavailable' in deployments) {
    return {
      check: { name: 'approvals', passed: false, detail: `stage ${stage.name} asks for approvals of environment ${stage.environment}, but ${deployments.unavailable}`, data: { environment: stage.environment, unavailable: deployments.unavailable, fix: 'Run the gate in a GitHub job with `environment:` set (required reviewers on, admin bypass off) or a GitLab job on a protected environment with approvals, with a token that can read them.' } },
      approvals: [],
    };
  }
  const verdict = await deployments.verifyApprovals(stage.environment);
  return {
    check: {
      name: 'approvals',
      passed: verdict.passed,
      detail: verdict.passed || !verdict.fix ? verdict.detail : `${verdict.detail}; fix: ${verdict.fix}`,
      data: { environment: stage.environment, approvals: verdict.approvals, ...(verdict.fix ? { fix: verdict.fix } : {}) },
    },
    approvals: verdict.approvals,
  };
}
