import type { z } from 'zod';
import type { SourceLocation } from '../errors.js';
import type { ArtifactStore, Platform } from '../platform/types.js';
import type { StagesConfig } from '../gate/stages.js';

export type { StepStatus } from '../evidence/evidence.js';
import type { StepStatus } from '../evidence/evidence.js';

/** What a step needs from the world; built by the front door (CLI, GitHub entry, pipeline). */
export interface StepContext {
  platform: Platform;
  artifacts: ArtifactStore;
  /** Absolute working directory; relative input paths resolve against it. */
  cwd: string;
  /** Absolute `--out-dir` (default `<cwd>/.modelci`). */
  outDir: string;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM; long work should stop promptly. */
  signal: AbortSignal;
  /** The step's structured settings from modelci.yaml (see StepDefinition.settings), already validated. */
  settings?: StepSettings;
  /** `stages:` of modelci.yaml, already checked, for the gate and its verify and rollback. */
  stages?: StagesConfig;
}

/** Nested keys of a step's modelci.yaml section, validated by the step's `settings` schemas. */
export interface StepSettings {
  /** Parsed values by key (e.g. `drift`, `metrics`). */
  values: Record<string, unknown>;
  /** Where a value was written, by its path below the step's section (e.g. ['metrics', 'roc_auc', 'min']). */
  locate(path: readonly (string | number)[]): SourceLocation;
}

export interface StepResult<Data extends object = Record<string, unknown>> {
  status: StepStatus;
  /** One line for logs and the pipeline summary. */
  summary: string;
  /** The step's JSON payload: printed (spread, with `status`) by `--format json`, stored in evidence under `result`. */
  data: Data;
  /** CI outputs (GitHub step outputs, GitLab dotenv). Keys are kebab-case. */
  outputs?: Record<string, string>;
  /** Markdown for the job summary and the report. */
  markdown?: string;
  /** Lines the CLI prints after the summary in text mode (the tables of read-only commands). */
  text?: string[];
  /** Files the step read and wrote; the evidence records the sha256 of each. Paths absolute or relative to cwd. */
  files?: { inputs?: string[]; outputs?: string[] };
  /**
   * Files (absolute) to publish as a CI artifact when the step passes. The runner uploads them
   * after writing the evidence, and adds the evidence file, so the artifact carries both.
   */
  artifact?: { name: string; files: string[] };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type InputSchema = z.ZodObject<any>;

export interface StepDefinition<Schema extends InputSchema = InputSchema, Data extends object = Record<string, unknown>> {
  /** kebab-case; `registry ls` style names (with a space) are CLI-only sub-commands. */
  name: string;
  /** One sentence, shown in --help, action.yml and docs. */
  description: string;
  /**
   * The single source of truth for inputs. Top-level fields must be string, number, boolean,
   * enum or array of string (optionally with .default/.optional); describe every field.
   * Mark tokens with `.meta({ secret: true })` so every front door masks them.
   */
  inputs: Schema;
  /**
   * Structured keys the step's modelci.yaml section may hold beside its flat inputs (a nested
   * mapping such as validate-data's `drift:`), each validated by its zod schema at load time with
   * file:line errors. They are not CLI flags or action inputs; run() gets them as `ctx.settings`.
   */
  settings?: Record<string, z.ZodType>;
  /**
   * The schema of `data` as evidence records it (strict: no undeclared keys). It generates
   * docs/evidence.schema.json, and readers of evidence (report, gate) validate against it.
   */
  result?: z.ZodType;
  /** Output name (kebab-case) -> description, for action.yml. */
  outputs: Record<string, string>;
  /** Read-only commands (registry ls, ...) write no evidence. Default true. */
  writesEvidence?: boolean;
  /** A file in the out-dir the GitLab component declares as `artifacts:reports:metrics`. */
  gitlabMetrics?: string;
  /** In a pipeline, runs even after an earlier step failed (the report shows the failure). */
  runsAfterFailure?: boolean;
  /** Published as a GitHub action / GitLab component. Default true. */
  published?: boolean;
  run(inputs: z.infer<Schema>, ctx: StepContext): Promise<StepResult<Data>>;
  /** Lines `modelci run --dry-run` shows under the step (train: would its run cache hit); reads only, writes nothing. */
  preview?(inputs: z.infer<Schema>, ctx: StepContext): Promise<string[]>;
}

/** Helps TypeScript infer the schema type at the definition site. */
export function defineStep<Schema extends InputSchema, Data extends object>(
  step: StepDefinition<Schema, Data>,
): StepDefinition<Schema, Data> {
  return step;
}
