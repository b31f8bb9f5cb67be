import type { AliasEvent, Registry } from '../registry/types.js';
import { readAudits, type ReadAudit } from './audit.js';
import type { VerifyData } from './result.js';
import type { Stage } from './stages.js';
import type { GateCheck } from './types.js';

function hex(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

/** The record (on the version moved to or from) whose moves include this exact alias event, as a promotion it allowed or a rollback. */
function covering(audits: readonly ReadAudit[], event: AliasEvent, stage: string): ReadAudit | undefined {
  return audits.find(({ statement }) => {
    const account = statement?.predicate.modelci;
    if (!account || account.stage !== stage) return false;
    return account.moves.some((move) => move.alias === event.alias && move.seq === event.seq && move.to === event.to && (move.kind === 'rollback' || account.decision === 'allow'));
  });
}

/**
 * Re-checks the stage: its current version's last move onto it is covered by a modelci record
 * (an allowed promotion or a rollback) whose subject digest is the version's content digest and
 * whose policy digest is the stage's policy now. A move with no record was made by hand.
 */
export async function verifyStage(registry: Registry, name: string, stage: Stage): Promise<VerifyData> {
  const base = { stage: stage.name, name, policyDigest: stage.policyDigest, registry: registry.displayUri };
  const checks: GateCheck[] = [];
  const fail = (reason: string, version: string | null, digest: string | null): VerifyData => ({ ...base, verified: false, version, digest, reason, record: null, checks });
  const current = await registry.getAlias(name, stage.name);
  if (current === undefined) {
    checks.push({ name: 'stage-holds', passed: false, detail: `${stage.name} holds no version of ${name}` });
    return fail(checks[0]!.detail, null, null);
  }
  const details = await registry.show(name, current);
  checks.push({ name: 'stage-holds', passed: true, detail: `${stage.name} holds version ${current}, content ${details.digest}`, data: { version: current, digest: details.digest } });
  const event = (await registry.history(name, stage.name)).filter((each) => each.alias === stage.name).sort((a, b) => a.seq - b.seq).at(-1);
  if (!event || event.to !== current) {
    checks.push({ name: 'alias-history', passed: false, detail: `the history of ${stage.name} does not end with the move onto ${current}${event ? ` (its last move is seq ${event.seq} to ${event.to})` : ' (it has no moves)'}` });
    return fail(checks.at(-1)!.detail, current, details.digest);
  }
  checks.push({ name: 'alias-history', passed: true, detail: `last move seq ${event.seq}: ${event.from ?? 'new'} -> ${event.to} by ${event.by} at ${event.at}`, data: { ...event } });
  const audits = [...(await readAudits(registry, name, current)), ...(event.from ? await readAudits(registry, name, event.from) : [])];
  const found = covering(audits, event, stage.name);
  if (!found?.statement) {
    checks.push({ name: 'record', passed: false, detail: `no modelci record covers move seq ${event.seq} (${event.from ?? 'new'} -> ${event.to} by ${event.by} at ${event.at}): ${stage.name} was moved by hand`, data: { records: audits.map((audit) => audit.record.name) } });
    return fail(checks.at(-1)!.detail, current, details.digest);
  }
  const { statement, record } = found;
  const account = statement.predicate.modelci;
  checks.push({ name: 'record', passed: true, detail: `${record.name} (${account.action}, ${account.decision}, by ${account.who} at ${account.when}) covers move seq ${event.seq}`, data: { record: record.name, digest: record.digest } });
  const subject = statement.subject.find((each) => each.name === `${name}@${account.model.version}`);
  const subjectDigest = account.model.version === current ? subject?.digest.sha256 : undefined;
  const contentMatches = account.model.version !== current || subjectDigest === hex(details.digest);
  checks.push({ name: 'content-digest', passed: contentMatches, detail: contentMatches ? `the record's subject ${account.model.version === current ? `digest is the version's ${details.digest}` : `is ${account.model.version}; the move back onto ${current} is its rollback`}` : `the record names content sha256:${subjectDigest ?? '?'}, the version now has ${details.digest}` });
  const policyMatches = statement.predicate.policy.digest.sha256 === hex(stage.policyDigest);
  checks.push({ name: 'policy-digest', passed: policyMatches, detail: policyMatches ? `the stage policy is the one the record verified (${stage.policyDigest})` : `the stage policy changed since the record: it verified sha256:${statement.predicate.policy.digest.sha256}, the stage is now ${stage.policyDigest}` });
  const failed = checks.find((check) => !check.passed);
  if (failed) return { ...fail(failed.detail, current, details.digest), record: record.name };
  return { ...base, verified: true, version: current, digest: details.digest, reason: `${stage.name} holds version ${current} by ${record.name}; digests match`, record: record.name, checks };
}
