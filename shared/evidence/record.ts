import { z } from 'zod';
import type { FileDigest } from '../files/digest.js';
import type { PlatformName, RunInfo } from '../platform/types.js';
import type { GitState } from './git-state.js';

export const EVIDENCE_SCHEMA_VERSION = 1;

export const STEP_STATUSES = ['passed', 'failed', 'skipped'] as const;

/** The verdict of a step, as its evidence records it. */
export type StepStatus = (typeof STEP_STATUSES)[number];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const fileDigestSchema = z
  .strictObject({
    path: z.string().describe("Relative to the working directory; a directory's digest covers its sorted 'sha256  path' lines."),
    sha256,
    bytes: z.number().int().min(0),
  })
  .meta({ id: 'file' }) satisfies z.ZodType<FileDigest>;

const runInfoSchema = z
  .strictObject({
    url: z.string().optional(),
    id: z.string().optional(),
    attempt: z.string().optional().describe("GitHub's run attempt (GitLab gives each retry a new job id)."),
    repository: z.string().optional(),
    ref: z.string().optional(),
    sha: z.string().optional(),
    actor: z.string().optional(),
    changeRequest: z.number().int().optional().describe('Pull or merge request number.'),
    job: z.string().optional().describe('workflow/job on GitHub, the job name on GitLab.'),
  })
  .describe('The CI run, when known.') satisfies z.ZodType<RunInfo>;

const gitStateSchema = z.strictObject({
  sha: z.string().optional(),
  dirty: z.boolean().optional().describe('Tracked files had uncommitted changes.'),
}) satisfies z.ZodType<GitState>;

const PLATFORMS = ['github', 'gitlab', 'local'] as const satisfies readonly PlatformName[];

/** The record every step writes to `<out-dir>/evidence/<step>.json`; `result` is checked by the step's own schema. */
export function evidenceRecordSchema<Result extends z.ZodType>(result: Result) {
  return z.strictObject({
    schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION).describe('Bumped on any incompatible change.'),
    step: z.string().describe('The step name, e.g. train.'),
    status: z.enum(STEP_STATUSES).describe('failed means the step ran and said no (exit 1).'),
    summary: z.string().describe('One line for logs and reports.'),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    durationMs: z.number().min(0),
    tool: z.strictObject({ name: z.literal('modelci'), version: z.string(), node: z.string() }),
    platform: z.enum(PLATFORMS),
    run: runInfoSchema,
    git: gitStateSchema,
    parameters: z.record(z.string(), z.unknown()).describe('Resolved step inputs (flags > modelci.yaml > defaults); secret inputs are "***".'),
    inputs: z.array(fileDigestSchema).describe('Every file the step read.'),
    outputs: z.array(fileDigestSchema).describe('Every file the step wrote.'),
    result: result.describe("The step's own JSON result, the same document --format json prints (without status)."),
  });
}

export const evidenceRecord = evidenceRecordSchema(z.unknown());

/** The record a step leaves behind; docs/evidence.schema.json describes it. */
export type Evidence = z.output<typeof evidenceRecord>;
