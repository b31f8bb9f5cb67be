import type { RunInfo } from '../platform/types.js';
import type { Registry } from '../registry/types.js';
import { attachAudit } from './audit.js';
import type { RollbackData } from './result.js';
import type { Stage } from './stages.js';

export interface RollbackDeps {
  registry: Registry;
  now(): number;
  who: string;
  run: RunInfo;
  policyUri: string;
}

/** Moves the stage back to the version it held before its last move (compare-and-set), with an audit record on that version. */
export async function rollbackStage(name: string, stage: Stage, reason: string, deps: RollbackDeps): Promise<RollbackData> {
  const { registry } = deps;
  const base = { stage: stage.name, name, registry: registry.displayUri, moves: [] as RollbackData['moves'] };
  const current = await registry.getAlias(name, stage.name);
  const last = (await registry.history(name, stage.name)).filter((event) => event.alias === stage.name).sort((a, b) => a.seq - b.seq).at(-1);
  if (current === undefined || !last || last.to !== current || last.from === undefined) {
    const why = current === undefined ? `${stage.name} holds no version` : `${stage.name} held no version before ${current}`;
    return { ...base, rolledBack: false, from: current ?? null, to: null, reason: `${why}: nothing to roll back to`, record: null };
  }
  const target = last.from;
  const outcome = await registry.setAlias({ name, alias: stage.name, version: target, expect: current, by: deps.who });
  if (!outcome.moved) return { ...base, rolledBack: false, from: current, to: target, reason: `${stage.name} moved to ${outcome.current ?? 'nothing'} meanwhile; not rolled back (compare-and-set)`, record: null };
  const { event } = outcome;
  const moves: RollbackData['moves'] = [{ alias: event.alias, from: event.from ?? null, to: event.to, seq: event.seq, at: event.at, by: event.by, kind: 'rollback', reason }];
  const details = await registry.show(name, target);
  const at = new Date(deps.now()).toISOString();
  const record = await attachAudit(registry, {
    action: 'rollback', decision: 'allow', stage: stage.name, name, version: target, digest: details.digest, resourceUri: details.uri, policyUri: deps.policyUri, policyDigest: stage.policyDigest, policy: stage.policy,
    reason, checks: [{ name: 'rollback', passed: true, detail: `${stage.name}: ${current} -> ${target} (seq ${event.seq}), the version it held before seq ${last.seq}`, data: { ...event } }],
    moves, previousVersion: current, who: deps.who, at, run: deps.run, registry: registry.displayUri,
  });
  return { ...base, rolledBack: true, from: current, to: target, reason: `${stage.name}: ${current} -> ${target}`, moves, record: record.name };
}
