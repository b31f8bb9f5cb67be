import { ExitCode, usageError } from '../errors.js';
import { configSource, type ProjectConfig } from './project-config.js';
import { createStepContext, flushPlatform } from './step-context.js';
import type { Workspace } from './workspace.js';
import { executeStep, statusMark, type StepOutcome } from './execute-step.js';
import { resolveInputs } from './resolve-inputs.js';

export interface PipelineOutcome {
  exitCode: ExitCode;
  steps: StepOutcome[];
  document: Record<string, unknown>;
}

/** Runs the steps listed under `pipeline:` in order; stops at the first that does not pass. */
export async function runPipeline(
  workspace: Workspace,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  log?: NodeJS.WritableStream,
): Promise<PipelineOutcome> {
  const config: ProjectConfig | undefined = workspace.config;
  if (!config || config.pipeline.length === 0) {
    throw usageError('no pipeline to run', {
      code: 'config-no-pipeline',
      ...(config ? { location: { file: config.file } } : {}),
      hint: 'List the steps in modelci.yaml, e.g.\n    pipeline: [validate-data, train, evaluate]',
    });
  }
  // Check every step's inputs before running any, so a typo in the last step fails in seconds.
  const planned = config.pipeline.map((entry) => {
    const step = config.steps.get(entry.step)!;
    const inputs = resolveInputs(step.inputs, {
      explicit: new Map(),
      ...configSource(config, step.name),
      spell: (field) => `'${step.name}.${field.name}' in ${config.file}`,
    });
    return { step, inputs };
  });

  const outcomes: StepOutcome[] = [];
  for (const { step, inputs } of planned) {
    if (signal.aborted) break;
    const ctx = await createStepContext(workspace, step.name, env, signal, log);
    ctx.platform.info(`\n── ${step.name} ──`);
    const outcome = await executeStep(step, inputs as Record<string, unknown>, ctx);
    await flushPlatform(ctx);
    ctx.platform.info(`${statusMark(outcome.status)} ${step.name}: ${outcome.summary}`);
    outcomes.push(outcome);
    if (outcome.exitCode !== ExitCode.passed) break;
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
      notRun: config.pipeline.slice(outcomes.length).map((entry) => entry.step),
    },
  };
}
