import { relative } from 'node:path';
import { asModelciError, environmentError, ExitCode, formatErrorBody, type ModelciError } from '../errors.js';
import { commonRoot } from '../files/paths.js';
import { buildEvidence, writeEvidence } from '../evidence/evidence.js';
import { gitState } from '../evidence/git-state.js';
import { inputFields } from './input-fields.js';
import { REDACTED, Redactor } from '../text/redact.js';
import type { StepContext, StepDefinition, StepResult, StepStatus } from './types.js';

export interface StepOutcome {
  step: string;
  status: StepStatus | 'error';
  exitCode: ExitCode;
  summary: string;
  result?: StepResult<object>;
  evidencePath?: string;
  error?: ModelciError;
  /** What `--format json` prints: `{status, ...data, evidence}` or `{status: "error", error}`. */
  document: Record<string, unknown>;
}

const STATUS_EXIT: Record<StepStatus, ExitCode> = { passed: ExitCode.passed, skipped: ExitCode.passed, failed: ExitCode.failed };
const STATUS_MARK: Record<StepStatus | 'error', string> = { passed: '✅', skipped: '⏭️', failed: '❌', error: '⛔' };

function redactedParameters(step: StepDefinition, inputs: Record<string, unknown>, redactor: Redactor): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  for (const field of inputFields(step.inputs)) {
    const value = inputs[field.key];
    if (value === undefined) continue;
    parameters[field.name] = field.secret ? REDACTED : redactor.redactData(value);
  }
  return parameters;
}

/**
 * The secrets of this step's inputs: secret inputs, values of secret-named `NAME=value` entries
 * and passwords in URLs. They are masked in logs and redacted from everything the step records.
 */
function secretsOf(step: StepDefinition, inputs: Record<string, unknown>, ctx: StepContext): Redactor {
  const redactor = new Redactor();
  for (const field of inputFields(step.inputs)) {
    const value = inputs[field.key];
    if (field.secret && typeof value === 'string' && value !== '') {
      redactor.add(value);
      ctx.platform.mask(value);
    } else {
      redactor.addFrom(value);
    }
  }
  redactor.forEach((secret) => ctx.platform.mask(secret));
  return redactor;
}

function redactedResult(result: StepResult<object>, redactor: Redactor): StepResult<object> {
  if (redactor.size === 0) return result;
  return {
    ...result,
    summary: redactor.redact(result.summary),
    data: redactor.redactData(result.data),
    ...(result.outputs ? { outputs: redactor.redactData(result.outputs) } : {}),
    ...(result.markdown !== undefined ? { markdown: redactor.redact(result.markdown) } : {}),
  };
}

/**
 * Runs one step and does everything around it that every step shares: masking, evidence,
 * CI outputs, the job summary, and turning errors into exit codes.
 */
export async function executeStep(step: StepDefinition, inputs: Record<string, unknown>, ctx: StepContext): Promise<StepOutcome> {
  const redactor = secretsOf(step, inputs, ctx);
  const startedAt = new Date();
  const git = step.writesEvidence === false ? undefined : gitState(ctx.cwd, ctx.env);
  let result: StepResult<object>;
  try {
    result = redactedResult(await step.run(inputs, ctx), redactor);
  } catch (caught) {
    const error = asModelciError(caught);
    ctx.platform.error(formatErrorBody(error), error.location);
    if (error.code === 'unexpected' && caught instanceof Error && caught.stack) ctx.platform.debug(caught.stack);
    return {
      step: step.name,
      status: 'error',
      exitCode: error.exitCode,
      summary: error.message,
      error,
      document: { status: 'error', error: redactor.redactData(error.toJSON()) },
    };
  }

  let evidencePath: string | undefined;
  if (step.writesEvidence !== false && git) {
    const evidence = await buildEvidence({
      step: step.name,
      status: result.status,
      summary: result.summary,
      startedAt,
      finishedAt: new Date(),
      platform: ctx.platform.name,
      run: ctx.platform.run(),
      git: await git,
      parameters: redactedParameters(step, inputs, redactor),
      inputFiles: result.files?.inputs ?? [],
      outputFiles: result.files?.outputs ?? [],
      result: result.data,
      cwd: ctx.cwd,
    });
    evidencePath = await writeEvidence(ctx.outDir, evidence);
  }

  if (result.artifact && result.status === 'passed') {
    const files = [...result.artifact.files, ...(evidencePath ? [evidencePath] : [])];
    try {
      const uploaded = await ctx.artifacts.upload(result.artifact.name, files, commonRoot(files));
      if (uploaded?.id !== undefined) ctx.platform.setOutput('artifact-id', String(uploaded.id));
    } catch (caught) {
      const error = environmentError(`uploading artifact '${result.artifact.name}' failed: ${caught instanceof Error ? caught.message : String(caught)}`, {
        code: 'artifact-upload-failed',
        hint: 'On GitHub, check that no other job in the run uploads an artifact with the same name, or turn the upload off.',
        cause: caught,
      });
      ctx.platform.error(formatErrorBody(error));
      return { step: step.name, status: 'error', exitCode: error.exitCode, summary: error.message, error, ...(evidencePath ? { evidencePath } : {}), document: { status: 'error', error: redactor.redactData(error.toJSON()) } };
    }
  }

  for (const [name, value] of Object.entries(result.outputs ?? {})) ctx.platform.setOutput(name, value);
  ctx.platform.setOutput('status', result.status);
  if (evidencePath) ctx.platform.setOutput('evidence', relative(ctx.cwd, evidencePath) || evidencePath);
  if (result.markdown) await ctx.platform.appendSummary(`### ${STATUS_MARK[result.status]} modelci ${step.name}\n\n${result.markdown}`);

  return {
    step: step.name,
    status: result.status,
    exitCode: STATUS_EXIT[result.status],
    summary: result.summary,
    result,
    ...(evidencePath ? { evidencePath } : {}),
    document: { status: result.status, ...result.data, ...(evidencePath ? { evidence: evidencePath } : {}) },
  };
}

export function statusMark(status: StepStatus | 'error'): string {
  return STATUS_MARK[status];
}
