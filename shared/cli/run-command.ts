import { ExitCode, asModelciError, formatErrorBody, usageError, type ModelciError } from '../errors.js';
import { PLATFORM_NAMES, createPlatform, detectPlatform } from '../platform/create-platform.js';
import type { PlatformName } from '../platform/types.js';
import { runPipeline } from '../runner/pipeline.js';
import { planText, type PlannedStep } from '../runner/plan.js';
import { executeStep, statusMark, type StepOutcome } from '../runner/execute-step.js';
import { inputFields, type InputField } from '../runner/input-fields.js';
import { resolveInputs } from '../runner/resolve-inputs.js';
import { configSource } from '../runner/project-config.js';
import { STEP_CATALOG } from './step-catalog.js';
import type { StepCatalog } from '../runner/catalog.js';
import type { StepDefinition } from '../runner/types.js';
import { dirname, relative } from 'node:path';
import { TOOL_VERSION } from '../version.js';
import { didYouMean } from '../text/did-you-mean.js';
import { envInputs } from '../runner/env-inputs.js';
import { commandHelp, mainHelp } from './help.js';
import { parseFlags, requestsJson, splitArgs, type SplitArgs } from './parse-args.js';
import { createStepContext, flushPlatform } from '../runner/step-context.js';
import { resolveWorkspace, startRunSummary, type OutputFormat } from '../runner/workspace.js';

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  /** Results and JSON only. */
  stdout: TextSink;
  /** Logs and errors. */
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
}

const PIPELINE_COMMAND = 'run';
const PIPELINE_HELP = `modelci run: runs the steps listed under 'pipeline:' in modelci.yaml, in order, and stops at the first that does not pass.

Usage: modelci run [--dry-run] [--config modelci.yaml] [--out-dir DIR] [--format text|json] [--<input> value]...

A step input given as a flag goes to every listed step that takes it and beats modelci.yaml there;
an input that no listed step takes is refused. --dry-run checks every step's inputs and prints the
plan, each value with where it came from (flag, environment, config file:line:column, default),
and runs nothing.`;

async function findCommand(words: readonly string[], catalog: StepCatalog): Promise<{ step?: StepDefinition; consumed: number }> {
  for (let length = Math.min(words.length, 2); length > 0; length--) {
    const step = await catalog.load(words.slice(0, length).join(' '));
    if (step) return { step, consumed: length };
  }
  return { consumed: 0 };
}

function printOutcome(io: CliIo, format: OutputFormat, outcome: { document: Record<string, unknown> }, lines: string[]): void {
  if (format === 'json') io.stdout.write(`${JSON.stringify(outcome.document, null, 2)}\n`);
  else if (lines.length) io.stdout.write(`${lines.join('\n')}\n`);
}

function stepLines(outcome: StepOutcome, cwd: string): string[] {
  const lines = [`${statusMark(outcome.status)} ${outcome.step} ${outcome.status}: ${outcome.summary}`, ...(outcome.result?.text ?? []).map((line) => (line ? `   ${line}` : ''))];
  if (outcome.evidencePath) lines.push(`   evidence: ${outcome.evidencePath.startsWith(cwd) ? outcome.evidencePath.slice(cwd.length + 1) : outcome.evidencePath}`);
  return lines;
}

/** Errors before a step starts still go through the platform, so GitHub shows them as annotations. */
export async function reportError(io: CliIo, format: OutputFormat, error: ModelciError): Promise<number> {
  const platformName = io.env.MODELCI_PLATFORM && (PLATFORM_NAMES as readonly string[]).includes(io.env.MODELCI_PLATFORM) ? (io.env.MODELCI_PLATFORM as PlatformName) : detectPlatform(io.env);
  const platform = await createPlatform(platformName, { env: io.env, outDir: io.cwd, stepName: 'modelci', log: io.stderr });
  platform.error(formatErrorBody(error), error.location);
  if (format === 'json') io.stdout.write(`${JSON.stringify({ status: 'error', error: error.toJSON() }, null, 2)}\n`);
  return error.exitCode;
}

/** Every input any published step takes, once by name: the flags `run` accepts and hands to the steps that take them. */
export async function pipelineInputFields(catalog: StepCatalog): Promise<InputField[]> {
  const byName = new Map<string, InputField>();
  for (const step of await catalog.loadAll()) {
    if (step.published === false) continue;
    for (const field of inputFields(step.inputs)) if (!byName.has(field.name)) byName.set(field.name, field);
  }
  return [...byName.values()];
}

async function runPipelineCommand(split: SplitArgs, io: CliIo, catalog: StepCatalog): Promise<number> {
  if (split.help) {
    io.stdout.write(`${PIPELINE_HELP}\n`);
    return ExitCode.passed;
  }
  const dryRun = split.rest.includes('--dry-run');
  const explicit = parseFlags(split.rest.filter((token) => token !== '--dry-run'), await pipelineInputFields(catalog), PIPELINE_COMMAND);
  const workspace = await resolveWorkspace(split.globals, io.cwd, io.env, catalog);
  if (!dryRun) await startRunSummary(workspace);
  const outcome = await runPipeline(workspace, io.env, io.signal, io.stderr, explicit, { dryRun });
  if (dryRun) {
    printOutcome(io, workspace.format, outcome, planText(outcome.document.plan as PlannedStep[]));
    return outcome.exitCode;
  }
  const last = outcome.steps.at(-1);
  const notRun = outcome.document.notRun as string[];
  const verdict = `${statusMark(outcome.document.status as StepOutcome['status'])} pipeline ${String(outcome.document.status)}: ${outcome.steps.map((step) => `${step.step} ${step.status}`).join(', ')}${notRun.length ? `; not run: ${notRun.join(', ')}` : ''}`;
  printOutcome(io, workspace.format, outcome, [verdict, ...(last?.evidencePath ? [`   evidence: ${relative(workspace.cwd, dirname(last.evidencePath))}/`] : [])]);
  return outcome.exitCode;
}

async function runStepCommand(split: SplitArgs, io: CliIo, catalog: StepCatalog): Promise<number> {
  const { step, consumed } = await findCommand(split.words, catalog);
  if (!step) {
    const word = split.words[0]!;
    const subcommands = catalog.names.filter((name) => name.startsWith(`${word} `));
    if (subcommands.length) throw usageError(`'${split.words.join(' ')}' needs a sub-command`, { code: 'usage', hint: `One of: ${subcommands.join(', ')}` });
    throw usageError(`unknown command '${word}'`, { code: 'usage', hint: `${didYouMean(word, [...catalog.names.filter((name) => !name.includes(' ')), PIPELINE_COMMAND])} Run 'modelci --help' for the list.` });
  }
  if (split.help) {
    io.stdout.write(`${commandHelp(step)}\n`);
    return ExitCode.passed;
  }
  if (split.words.length > consumed) {
    throw usageError(`unexpected argument '${split.words[consumed]}'`, { code: 'usage', hint: `Inputs are flags: modelci ${step.name} --name value.` });
  }
  const workspace = await resolveWorkspace(split.globals, io.cwd, io.env, catalog);
  const fields = inputFields(step.inputs);
  const inputs = resolveInputs(step.inputs, {
    explicit: envInputs(fields, io.env, parseFlags(split.rest, fields, step.name), step.name),
    ...configSource(workspace.config, step.name),
    spell: (field) => `--${field.name}`,
  });
  if (step.writesEvidence !== false) await startRunSummary(workspace);
  const ctx = await createStepContext(workspace, step.name, io.env, io.signal, io.stderr);
  const outcome = await executeStep(step, inputs as Record<string, unknown>, ctx);
  await flushPlatform(ctx);
  printOutcome(io, workspace.format, outcome, outcome.error ? [] : stepLines(outcome, workspace.cwd));
  return outcome.exitCode;
}

/** `modelci <command> [flags]`: returns the exit code (DESIGN.md contract). */
export async function runCli(argv: readonly string[], io: CliIo, catalog: StepCatalog = STEP_CATALOG): Promise<number> {
  try {
    const split = splitArgs(argv);
    if (split.version) {
      io.stdout.write(`${TOOL_VERSION}\n`);
      return ExitCode.passed;
    }
    if (split.words.length === 0) {
      const help = mainHelp(await catalog.loadAll(), TOOL_VERSION);
      (split.help ? io.stdout : io.stderr).write(`${help}\n`);
      return split.help ? ExitCode.passed : ExitCode.usage;
    }
    if (split.words[0] === PIPELINE_COMMAND && split.words.length === 1) return await runPipelineCommand(split, io, catalog);
    return await runStepCommand(split, io, catalog);
  } catch (caught) {
    return await reportError(io, requestsJson(argv) ? 'json' : 'text', asModelciError(caught));
  }
}
