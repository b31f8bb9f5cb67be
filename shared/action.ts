import { pipelineInputFields, reportError, runCli } from './cli/run-command.js';
import { asModelciError, usageError } from './errors.js';
import { RENAMED_INPUTS, refuseRenamedInput } from './runner/renamed-inputs.js';
import { GLOBAL_OPTIONS } from './cli/parse-args.js';
import { inputFields } from './runner/input-fields.js';
import { STEP_CATALOG } from './cli/step-catalog.js';
import type { StepCatalog } from './runner/catalog.js';

/** GitHub's runner passes input `out-dir` as INPUT_OUT-DIR (upper case, spaces to underscores). */
function actionInput(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined || value.trim() === '' ? undefined : value;
}

const ACTION_GLOBALS = ['config', 'out-dir', 'working-directory'] as const;

/**
 * Turns a GitHub Action's INPUT_* variables into a modelci command line, so actions and the
 * CLI share one parser, one config merge and one set of errors. `step` is fixed for the
 * per-step actions and read from the `step` input for the root action.
 */
export async function actionArgv(env: NodeJS.ProcessEnv, fixedStep?: string, catalog: StepCatalog = STEP_CATALOG): Promise<string[]> {
  const stepName = fixedStep ?? actionInput(env, 'step') ?? 'pipeline';
  const argv: string[] = stepName === 'pipeline' ? ['run'] : stepName.split(' ');
  for (const name of ACTION_GLOBALS) {
    const value = actionInput(env, name);
    if (value !== undefined) argv.push(name === 'working-directory' ? '--cwd' : `--${name}`, value);
  }
  const step = stepName === 'pipeline' ? undefined : await catalog.load(stepName);
  if (step) {
    for (const old of Object.keys(RENAMED_INPUTS[step.name] ?? {})) {
      if (actionInput(env, old) !== undefined) refuseRenamedInput(step.name, old, (name) => `input '${name}'`);
    }
  }
  // The root action in pipeline mode hands every given input to `modelci run`, which passes it to
  // the listed steps that take it and refuses one that none takes.
  const fields = step ? inputFields(step.inputs) : stepName === 'pipeline' ? await pipelineInputFields(catalog) : [];
  if (step && fixedStep === undefined) {
    // The root action declares every step's inputs; one given that the chosen step does not take is a mistake.
    const own = new Set(fields.map((field) => field.name));
    for (const field of await pipelineInputFields(catalog)) {
      if (!own.has(field.name) && actionInput(env, field.name) !== undefined) {
        throw usageError(`input '${field.name}' is not an input of step '${step.name}'`, { code: 'input-not-taken', hint: `Drop it, or use step: pipeline to hand it to the steps that take it. Run 'modelci ${step.name} --help' for its inputs.` });
      }
    }
  }
  {
    for (const field of fields) {
      const value = actionInput(env, field.name);
      if (value === undefined) continue;
      if (field.kind === 'string-list') {
        for (const item of value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean)) argv.push(`--${field.name}`, item);
      } else {
        argv.push(`--${field.name}=${value}`);
      }
    }
  }
  return argv;
}

export const ACTION_GLOBAL_DESCRIPTIONS: Record<(typeof ACTION_GLOBALS)[number], string> = {
  config: GLOBAL_OPTIONS.config,
  'out-dir': GLOBAL_OPTIONS['out-dir'],
  'working-directory': GLOBAL_OPTIONS.cwd,
};

/** The entry every actions/<step>/index.js calls. */
export async function runAction(fixedStep?: string): Promise<void> {
  const controller = new AbortController();
  process.on('SIGTERM', () => controller.abort(new Error('cancelled')));
  const io = {
    stdout: process.stdout,
    stderr: process.stdout,
    env: { ...process.env, MODELCI_PLATFORM: process.env.MODELCI_PLATFORM ?? 'github' },
    cwd: process.cwd(),
    signal: controller.signal,
  };
  let argv: string[];
  try {
    argv = await actionArgv(process.env, fixedStep);
  } catch (caught) {
    process.exitCode = await reportError(io, 'text', asModelciError(caught));
    return;
  }
  process.exitCode = await runCli(argv, io);
}
