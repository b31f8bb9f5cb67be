import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { evidencePath } from '../evidence/evidence.js';
import { formatNumber } from '../report/markdown.js';
import { usageError } from '../errors.js';
import { decide, type Decision, type MetricComparison } from '../compare/decide.js';
import { championText as nameOfChampion, compareResult, type CompareData } from '../compare/result.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { compareSection } from '../report/sections/compare.js';
import { policyShape, PolicyProblem, type PolicyInput } from '../compare/policy.js';
import { normalizeLocated, policyError, readPolicyFile, type LocatedPolicy } from '../compare/policy-source.js';
import { readSide, type Side } from '../compare/sides.js';
import { pickCandidate, readCandidates, type CandidateRow } from '../compare/candidates.js';
import { changeStatistics } from '../compare/statistics.js';
import type { Registry } from '../registry/types.js';
import { absolute, registryFor, registryInputs } from '../registry/step-access.js';
import { defineStep, type StepContext, type StepResult } from '../runner/types.js';

const inputs = z.object({
  challenger: z.string().optional().describe("The challenger: evaluate evidence, an out-dir or evidence folder holding it, a flat metrics JSON file or `dvc metrics diff --json` output (default this run's `<out-dir>/evidence/evaluate.json`)."),
  candidates: z.string().optional().describe("A folder of matrix legs, one subfolder each holding that leg's evaluate evidence (downloaded artifacts): compare picks the best leg on the policy's first metric among those that keep every value bound, and compares it as the challenger. Not with --challenger."),
  champion: z.string().default('registry').describe('The champion: `registry` (the version the champion alias points at), a file of the same kinds as --challenger, or `none`.'),
  championAlias: z.string().default('champion').describe('The alias that names the champion in the registry.'),
  policy: z.string().optional().describe('Policy file with the keys of the `compare:` section of modelci.yaml (first-model, paired, alpha, resamples, seed, metrics).'),
  registry: registryInputs.registry.optional(),
  name: registryInputs.name.optional(),
  insecure: registryInputs.insecure,
  username: registryInputs.username,
  password: registryInputs.password,
  token: registryInputs.token,
});

type Inputs = z.infer<typeof inputs>;

function settingsPolicy(ctx: StepContext): LocatedPolicy | undefined {
  const values = ctx.settings?.values ?? {};
  if (Object.keys(values).length === 0) return undefined;
  const locate = ctx.settings!.locate;
  return normalizeLocated(values as PolicyInput, locate, 'compare');
}

async function loadPolicy(options: Inputs, ctx: StepContext): Promise<LocatedPolicy> {
  const fromConfig = settingsPolicy(ctx);
  if (options.policy && fromConfig) {
    throw usageError('the policy is given twice: --policy and the compare: section of modelci.yaml', { code: 'compare-policy-twice', hint: 'Keep one: the file, or the keys under compare: in modelci.yaml.' });
  }
  if (options.policy) return readPolicyFile(absolute(options.policy, ctx), ctx.cwd);
  if (fromConfig) return fromConfig;
  throw usageError('compare has no policy: nothing says what promote means', { code: 'compare-policy-missing', hint: 'Add rules under compare: in modelci.yaml, e.g.\n    compare:\n      metrics:\n        roc_auc: {min: 0.7, max-regression: 0.01}\nor pass --policy FILE.' });
}

/** The champion's evaluate evidence and stored predictions, pulled into `scratch`, so rows can be paired and scored again. */
async function pulledEvaluation(registry: Registry, name: string, version: string, scratch: string, cwd: string): Promise<Side | undefined> {
  const dest = join(scratch, 'champion-evidence');
  await registry.pullEvidence(name, version, dest);
  const evidence = await readSide(join(dest, 'evaluate.json'), 'champion', cwd);
  const predictions = (await readdir(dest)).find((file) => file.startsWith('evaluate-predictions'));
  if (evidence.scoring && predictions) evidence.scoring = { ...evidence.scoring, file: join(dest, predictions) };
  else delete evidence.scoring;
  return evidence;
}

async function registryChampion(options: Inputs, ctx: StepContext, scratch: string): Promise<Side | null> {
  if (!options.registry || !options.name) {
    throw usageError('--champion registry needs --registry and --name', { code: 'input-missing', hint: 'Give the registry and model name (as push-model has them), or --champion FILE, or --champion none.' });
  }
  const registry = registryFor({ ...options, registry: options.registry }, ctx);
  const version = await registry.getAlias(options.name, options.championAlias);
  if (version === undefined) return null;
  const details = await registry.show(options.name, version);
  const evaluate = details.evidence.find((entry) => entry.step === 'evaluate');
  const evaluation = evaluate ? await pulledEvaluation(registry, options.name, details.version, scratch, ctx.cwd) : undefined;
  return {
    kind: 'registry',
    source: `${registry.displayUri} ${options.name}@${options.championAlias}`,
    digest: details.digest,
    name: options.name,
    version: details.version,
    metrics: new Map(Object.entries(details.metrics ?? {})),
    evaluateStatus: evaluate ? (evaluate.status ?? 'unknown') : 'missing',
    ...(details.metadata.evaluateRows ? { rowsDigest: details.metadata.evaluateRows } : {}),
    ...(evaluation?.scoring ? { scoring: evaluation.scoring } : {}),
  };
}

async function championSide(options: Inputs, ctx: StepContext, scratch: string): Promise<Side | null> {
  if (options.champion === 'none') return null;
  if (options.champion === 'registry') return registryChampion(options, ctx, scratch);
  return readSide(absolute(options.champion, ctx), 'champion', ctx.cwd);
}

function metricLine(metric: MetricComparison): string {
  return `${metric.name} ${formatNumber(metric.champion)} -> ${formatNumber(metric.challenger)} ${metric.passed ? 'ok' : 'FAIL'}`;
}

export const compareStep = defineStep({
  name: 'compare',
  description: 'Compares the challenger with the champion under a policy of bounds, improvement and non-inferiority rules, and decides promote or reject; anything not shown fails closed.',
  inputs,
  result: compareResult,
  settings: policyShape,
  outputs: {
    decision: '`promote` or `reject`.',
    promote: "'true' when the challenger should be promoted.",
    'champion-version': 'The champion version compared against (empty without a champion).',
    challenger: 'The challenger compared: with candidates, the leg compare picked.',
  },
  async run(options, ctx): Promise<StepResult<CompareData>> {
    if (options.challenger !== undefined && options.candidates !== undefined) {
      throw usageError('--challenger and --candidates cannot both be given: candidates picks the challenger', { code: 'input-conflict', hint: 'Give one challenger, or a folder of matrix legs as candidates.' });
    }
    const { policy, locate } = await loadPolicy(options, ctx);
    let challenger: Side;
    let candidates: CandidateRow[] | undefined;
    if (options.candidates !== undefined) {
      const picked = pickCandidate(policy, await readCandidates(absolute(options.candidates, ctx), ctx.cwd));
      challenger = picked.picked;
      candidates = picked.rows;
      ctx.platform.info(`compare: picked ${challenger.source} of ${candidates.length} legs on ${candidates[0]!.metric}.`);
    } else challenger = await readSide(absolute(options.challenger ?? evidencePath(ctx.outDir, 'evaluate'), ctx), 'challenger', ctx.cwd);
    const scratch = await mkdtemp(join(tmpdir(), 'modelci-compare-'));
    let decision: Decision;
    let champion: Side | null;
    try {
      champion = await championSide(options, ctx, scratch);
      const paired = champion !== null && challenger.rowsDigest !== undefined && challenger.rowsDigest === champion.rowsDigest;
      const outcome = paired ? await ctx.platform.group('Paired statistics of the change', () => changeStatistics(policy, challenger, champion!, ctx.cwd, (line) => ctx.platform.info(line))) : { statistics: new Map(), notes: [] };
      decision = decide(policy, challenger, champion, outcome.statistics);
      decision = { ...decision, notes: [...decision.notes, ...outcome.notes] };
    } catch (error) {
      if (error instanceof PolicyProblem) throw policyError(error, locate, options.policy ?? 'compare');
      throw error;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    // A registry version without passed evaluate evidence has nothing a comparison can stand on.
    if (champion?.kind === 'registry' && champion.evaluateStatus !== 'passed') {
      decision = { ...decision, decision: 'reject', reasons: [...decision.reasons, champion.evaluateStatus === 'missing' ? `the champion ${champion.version} has no evaluate evidence attached` : `the champion's evaluate evidence is ${champion.evaluateStatus}`] };
    }
    const data: CompareData = {
      ...decision,
      challenger: { source: challenger.source, kind: challenger.kind, digest: challenger.digest },
      champion: champion ? { name: champion.name ?? champion.source, version: champion.version ?? null, digest: champion.digest, source: champion.source } : null,
      policy: { firstModel: policy.firstModel, paired: policy.paired, alpha: policy.alpha, resamples: policy.resamples, seed: policy.seed },
      ...(candidates ? { candidates } : {}),
    };
    const promote = decision.decision === 'promote';
    for (const reason of decision.reasons) ctx.platform.info(`reject: ${reason}`);
    return {
      status: promote ? 'passed' : 'failed',
      summary: `${decision.decision} against ${nameOfChampion(data.champion)}: ${decision.metrics.map(metricLine).join(', ') || 'no metrics'}`,
      data,
      outputs: { decision: decision.decision, promote: String(promote), 'champion-version': champion?.version ?? '', challenger: challenger.source },
      markdown: renderMarkdown(compareSection(data)),
      files: { inputs: [...(candidates ? candidates.map((row) => row.source) : [challenger.source]), ...(champion && champion.kind !== 'registry' ? [champion.source] : [])] },
    };
  },
});
