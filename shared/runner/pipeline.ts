import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { evidencePath } from '../evidence/evidence.js';
import { ExitCode, usageError, type SourceLocation } from '../errors.js';
import { configSource, type ProjectConfig } from './project-config.js';
import { createStepContext, flushPlatform } from './step-context.js';
import type { Workspace } from './workspace.js';
import { executeStep, statusMark, type StepOutcome } from './execute-step.js';
import { planStep } from './plan.js';
import { resolveInputs, type ExplicitInputs } from './resolve-inputs.js';
import { envInputs } from './env-inputs.js';
import { inputFields } from './input-fields.js';
import type { StepContext, StepDefinition } from './types.js';
import type { Platform } from '../platform/types.js';

export interface PipelineOutcome {
  exitCode: ExitCode;
  steps: StepOutcome[];
  document: Record<string, unknown>;
}

/** An input given on the command line (or a root action's `with:`) that no listed step takes is a mistake, not a no-op. */
function refuseUntakenInputs(explicit: ExplicitInputs, steps: readonly StepDefinition[]): void {
  for (const name of explicit.keys()) {
    if (steps.some((step) => inputFields(step.inputs).some((field) => field.name === name))) continue;
    throw usageError(`input '${name}' is taken by no step of the pipeline (${steps.map((step) => step.name).join(', ')})`, {
      code: 'input-not-taken',
      hint: 'Drop it, add the step that takes it to pipeline: in modelci.yaml, or run that step on its own (step: <name>).',
    });
  }
}

/** In a pipeline each output is also set as `<step>-<name>`, so a later step's outputs do not hide an earlier one's. */
function withStepOutputs(ctx: StepContext, stepName: string): StepContext {
  const platform: Platform = Object.create(ctx.platform);
  platform.setOutput = (name, value) => {
    ctx.platform.setOutput(name, value);
    ctx.platform.setOutput(`${stepName}-${name}`, value);
  };
  return { ...ctx, platform };
}

/** Runs the steps listed under `pipeline:` in order; after one that does not pass, only steps that report on the others (runsAfterFailure) run. */
function relativeTo(cwd: string, locate: (name: string) => SourceLocation | undefined): (name: string) => SourceLocation | undefined {
  return (name) => {
    const location = locate(name);
    return location ? { ...location, file: relative(cwd, location.file) || location.file } : undefined;
  };
}

export async function runPipeline(
  workspace: Workspace,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  log?: NodeJS.WritableStream,
  explicit: ExplicitInputs = new Map(),
  options: { dryRun?: boolean } = {},
): Promise<PipelineOutcome> {
  const config: ProjectConfig | undefined = workspace.config;
  if (!config || config.pipeline.length === 0) {
    throw usageError('no pipeline to run', {
      code: 'config-no-pipeline',
      ...(config ? { location: { file: config.file } } : {}),
      hint: 'List the steps in modelci.yaml, e.g.\n    pipeline: [validate-data, train, evaluate]',
    });
  }
  const steps = config.pipeline.map((entry) => config.steps.get(entry.step)!);
  refuseUntakenInputs(explicit, steps);
  // Check every step's inputs before running any, so a typo in the last step fails in seconds.
  const planned = steps.map((step) => {
    const fields = inputFields(step.inputs);
    const given = envInputs(fields, env, new Map([...explicit].filter(([name]) => fields.some((field) => field.name === name))), step.name);
    const origins = new Map<string, 'explicit' | 'config'>();
    const source = configSource(config, step.name);
    const inputs = resolveInputs(step.inputs, {
      explicit: given,
      ...source,
      origins,
      spell: (field) => (given.has(field.name) ? `--${field.name} (for ${step.name})` : `'${step.name}.${field.name}' in ${config.file}`),
    });
    const plan = planStep(step.name, fields, inputs as Record<string, unknown>, { flags: new Set(explicit.keys()), resolved: origins, ...(source.locateConfigValue ? { locate: relativeTo(workspace.cwd, source.locateConfigValue) } : {}) });
    return { step, inputs, plan };
  });
  if (options.dryRun) {
    for (const entry of planned) {
      if (!entry.step.preview) continue;
      const ctx = await createStepContext(workspace, entry.step.name, env, signal, log);
      entry.plan.notes = await entry.step.preview(entry.inputs, ctx);
    }
    return { exitCode: ExitCode.passed, steps: [], document: { status: 'planned', plan: planned.map((entry) => entry.plan), notRun: planned.map((entry) => entry.step.name) } };
  }

  // Records of an earlier run would read as this run's (in a report, or bound to a push).
  await Promise.all(planned.map(({ step }) => rm(evidencePath(workspace.outDir, step.name), { force: true })));
  const outcomes: StepOutcome[] = [];
  let stopped = false;
  const ran = new Set<number>();
  for (const [index, { step, inputs }] of planned.entries()) {
    if (signal.aborted) break;
    if (stopped && !step.runsAfterFailure) continue;
    ran.add(index);
    const ctx = withStepOutputs(await createStepContext(workspace, step.name, env, signal, log), step.name);
    ctx.platform.info(`\n── ${step.name} ──`);
    const outcome = await executeStep(step, inputs as Record<string, unknown>, ctx);
    await flushPlatform(ctx);
    ctx.platform.info(`${statusMark(outcome.status)} ${step.name}: ${outcome.summary}`);
    outcomes.push(outcome);
    if (outcome.exitCode !== ExitCode.passed) stopped = true;
  }
  const failed = outcomes.find((outcome) => outcome.exitCode !== ExitCode.passed);
  const status = signal.aborted ? 'error' : failed ? failed.status : 'passed';
  return {
    exitCode: signal.aborted ? ExitCode.environment : failed ? failed.exitCode : ExitCode.passed,
    steps: outcomes,
    document: {
      status,
      steps: outcomes.map((outcome) => ({
        step: outcome.step,
        status: outcome.status,
        summary: outcome.summary,
        ...(outcome.evidencePath ? { evidence: outcome.evidencePath } : {}),
        ...(outcome.error ? { error: outcome.error.toJSON() } : {}),
      })),
      notRun: config.pipeline.filter((_, index) => !ran.has(index)).map((entry) => entry.step),
    },
  };
}
