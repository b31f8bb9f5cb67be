import type { ResultSchemas } from '../evidence/read.js';
import type { DeploymentGate, DeploymentRecord } from '../platform/deployments.js';
import type { RunInfo } from '../platform/types.js';
import type { Registry, VersionDetails } from '../registry/types.js';
import { runCommand } from '../train/command.js';
import { attachAudit } from './audit.js';
import { approvalsCheck, previousStageChecks } from './entry-checks.js';
import { requiredEvidenceChecks } from './required-evidence.js';
import type { AliasMove, GateData } from './result.js';
import type { Stage } from './stages.js';
import type { AnalysisDeps, GateCheck, RunAnalysis } from './types.js';

export interface GateRequest {
  stage: Stage;
  name: string;
  version: string;
  /** `modelci.yaml#stages/<name>`. */
  policyUri: string;
}

/** Everything the gate reaches outside itself; tests give a controllable clock and a fake analysis. */
export interface GateDeps {
  registry: Registry;
  now(): number;
  runAnalysis: RunAnalysis;
  /** sleep, log, signal and env for the analysis (its clock is `now`). */
  analysis: Omit<AnalysisDeps, 'now'>;
  /** Environments and approvals of the CI; asked only when the stage needs them or to record deployments. */
  deployments(): Promise<DeploymentGate | { unavailable: string }>;
  log(line: string): void;
  who: string;
  run: RunInfo;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** An empty directory the gate may write into (pulled evidence). */
  scratch: string;
  results: ResultSchemas;
}

function firstFailure(checks: readonly GateCheck[]): GateCheck | undefined {
  return checks.find((check) => !check.passed);
}

async function versionDetails(registry: Registry, name: string, version: string): Promise<VersionDetails | undefined> {
  try {
    return await registry.show(name, version);
  } catch (error) {
    if ((error as { code?: string }).code === 'registry-not-found') return undefined;
    throw error;
  }
}

async function deployCommand(command: string, request: GateRequest, previous: string | undefined, deps: GateDeps): Promise<GateCheck> {
  const env = { ...deps.env, MODELCI_STAGE: request.stage.name, MODELCI_MODEL: request.name, MODELCI_VERSION: request.version, MODELCI_PREVIOUS_VERSION: previous ?? '' };
  const result = await runCommand({ command, shell: 'sh', cwd: deps.cwd, env, onLine: (line) => deps.log(`deploy: ${line}`), ...(deps.signal ? { signal: deps.signal } : {}) });
  const passed = result.exitCode === 0 && !result.aborted;
  return {
    name: 'deploy',
    passed,
    detail: passed ? `\`${command}\` exited 0 in ${result.durationMs} ms` : `\`${command}\` ${result.aborted ? 'was cancelled' : `exited ${result.exitCode ?? result.signal}`}${result.tail.length ? `: ${result.tail.at(-1)}` : ''}`,
    data: { command, exitCode: result.exitCode, durationMs: result.durationMs, tail: result.tail },
  };
}

/**
 * One gate run: entry checks in order (version, evidence, previous stage and soak, approvals),
 * any failure denies with nothing moved; then the stage alias moves by compare-and-set from what
 * the checks saw; then the deploy command and the analysis, whose failure moves it back. The
 * audit record of the decision is attached to the version.
 */
export async function runGate(request: GateRequest, deps: GateDeps): Promise<GateData> {
  const { stage, name, version } = request;
  const { registry } = deps;
  const checks: GateCheck[] = [];
  const moves: AliasMove[] = [];
  const base = { stage: stage.name, name, policyDigest: stage.policyDigest, registry: registry.displayUri };
  const previous = await registry.getAlias(name, stage.name);
  const details = await versionDetails(registry, name, version);
  if (!details) {
    const check: GateCheck = { name: 'version-exists', passed: false, detail: `${name} has no version ${version} in ${registry.displayUri}`, data: { name, version } };
    return { ...base, decision: 'deny', version, digest: null, previousVersion: previous ?? null, reverified: false, reason: check.detail, checks: [check], moves, record: null };
  }
  const resolved = details.version;
  checks.push({ name: 'version-exists', passed: true, detail: `${name} version ${resolved} exists, content ${details.digest}`, data: { version: resolved, digest: details.digest, createdAt: details.createdAt ?? null } });
  checks.push(...(await requiredEvidenceChecks(registry, details, stage.requires, deps.scratch, deps.results)));
  checks.push(...(await previousStageChecks(registry, name, resolved, stage, deps.now())));
  let deployments: DeploymentGate | { unavailable: string } | undefined;
  if (stage.approvals) {
    deployments = await deps.deployments();
    checks.push((await approvalsCheck(stage, deployments)).check);
  }
  const reverified = previous === resolved;
  const finish = async (decision: 'allow' | 'deny', reason: string, deployment?: DeploymentRecord): Promise<GateData> => {
    const at = new Date(deps.now()).toISOString();
    const record = await attachAudit(registry, {
      action: 'gate', decision, stage: stage.name, name, version: resolved, digest: details.digest, resourceUri: details.uri, policyUri: request.policyUri, policyDigest: stage.policyDigest, policy: stage.policy,
      reason, checks, moves, previousVersion: previous ?? null, who: deps.who, at, run: deps.run, registry: registry.displayUri,
    });
    checks.push({ name: 'record', passed: true, detail: `audit record ${record.name} attached to ${name} version ${resolved} (${record.digest})`, data: { ...record } });
    if (deployment) await deployment.report(decision === 'allow' ? 'success' : 'failure', reason.slice(0, 140));
    return { ...base, decision, version: resolved, digest: details.digest, previousVersion: previous ?? null, reverified, reason, checks, moves, record: record.name };
  };

  const entryFailure = firstFailure(checks);
  if (entryFailure) return finish('deny', entryFailure.detail);

  let deployment: DeploymentRecord | undefined;
  if (stage.analysis || !reverified) {
    deployments ??= await deps.deployments();
    if (!('unavailable' in deployments)) {
      deployment = await deployments.startDeployment({ environment: stage.environment, ref: deps.run.sha ?? deps.run.ref ?? `${name}-${resolved}`, description: `${name} version ${resolved} to ${stage.name}`, payload: { model: name, version: resolved, digest: details.digest } });
      await deployment?.report('in_progress', `gate ${stage.name}: ${name} version ${resolved}`);
    }
  }

  if (!reverified) {
    const outcome = await registry.setAlias({ name, alias: stage.name, version: resolved, expect: previous ?? null, by: deps.who });
    if (!outcome.moved) {
      checks.push({ name: 'alias-move', passed: false, detail: `${stage.name} moved to ${outcome.current ?? 'nothing'} while the gate checked it at ${previous ?? 'nothing'}; not moved (compare-and-set)`, data: { expected: previous ?? null, current: outcome.current ?? null } });
      return finish('deny', checks.at(-1)!.detail, deployment);
    }
    const { event } = outcome;
    moves.push({ alias: event.alias, from: event.from ?? null, to: event.to, seq: event.seq, at: event.at, by: event.by, kind: 'promote', reason: `entry checks passed (${checks.length} checks)` });
    checks.push({ name: 'alias-move', passed: true, detail: `${stage.name}: ${event.from ?? 'new'} -> ${event.to} (seq ${event.seq}, compare-and-set from ${previous ?? 'nothing'})`, data: { ...event } });
    deps.log(`${stage.name}: ${event.from ?? 'new'} -> ${event.to}`);
  }

  if (!stage.analysis) return finish('allow', reverified ? `version ${resolved} is already in ${stage.name}; every check passed again` : `every check passed; ${stage.name} now holds version ${resolved}`, deployment);

  let failure: GateCheck | undefined;
  if (stage.deploy) {
    const deployed = await deployCommand(stage.deploy, request, previous, deps);
    checks.push(deployed);
    if (!deployed.passed) failure = deployed;
  }
  if (!failure) {
    const outcome = await deps.runAnalysis(stage.analysis, { ...deps.analysis, now: deps.now });
    checks.push(...outcome.checks);
    checks.push({ name: 'analysis', passed: outcome.passed, detail: outcome.reason, data: { measurements: outcome.measurements } });
    if (!outcome.passed) failure = checks.at(-1);
  }
  if (!failure) return finish('allow', `${reverified ? 're-verified' : 'promoted'}: every check and the analysis of ${stage.name} passed`, deployment);
  if (reverified && !stage.rollbackOnFailure) return finish('deny', failure.detail, deployment);
  if (!stage.rollbackOnFailure) {
    checks.push({ name: 'rollback', passed: false, detail: `rollback-on-failure is false: ${stage.name} stays at ${resolved}`, data: {} });
    return finish('deny', failure.detail, deployment);
  }
  const backTo = reverified ? (await registry.history(name, stage.name)).filter((event) => event.alias === stage.name && event.to === resolved).at(-1)?.from : previous;
  if (backTo === undefined) {
    checks.push({ name: 'rollback', passed: false, detail: `${stage.name} held no version before ${resolved}; nothing to move back to, so it stays (serve nothing from ${stage.name} until a version passes)`, data: {} });
    return finish('deny', failure.detail, deployment);
  }
  const back = await registry.setAlias({ name, alias: stage.name, version: backTo, expect: resolved, by: deps.who });
  if (back.moved) {
    moves.push({ alias: back.event.alias, from: back.event.from ?? null, to: back.event.to, seq: back.event.seq, at: back.event.at, by: back.event.by, kind: 'rollback', reason: `rolled back: ${failure.detail}` });
    checks.push({ name: 'rollback', passed: true, detail: `${stage.name}: ${resolved} -> ${backTo} (seq ${back.event.seq}) after ${failure.name} failed`, data: { ...back.event } });
  } else {
    checks.push({ name: 'rollback', passed: false, detail: `${stage.name} moved to ${back.current ?? 'nothing'} during the analysis; left there (compare-and-set)`, data: { current: back.current ?? null } });
  }
  return finish('deny', failure.detail, deployment);
}
