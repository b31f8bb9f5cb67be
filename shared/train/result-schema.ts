import { z } from 'zod';
import type { PathDigest } from '../files/paths.js';
import type { CodeFile } from './code-files.js';
import type { CodeState } from './code-state.js';
import type { RuntimeInfo } from './runtime.js';
import type { TrainData } from './types.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const nullableSha256 = sha256.nullable();

export const pathDigestSchema = z.strictObject({
  path: z.string().describe('As the user wrote it, relative to the working directory.'),
  kind: z.enum(['file', 'directory']),
  sha256: sha256.describe('File: sha256 of the content. Directory: sha256 of its sorted `sha256  path` lines.'),
  bytes: z.number().int().min(0),
  fileCount: z.number().int().min(0).optional(),
}) satisfies z.ZodType<PathDigest>;

const codeFileSchema = z.strictObject({ path: z.string(), sha256 }) satisfies z.ZodType<CodeFile>;

const codeStateSchema = z.strictObject({
  git: z.boolean(),
  gitSha: z.string().nullable(),
  treeSha: z.string().nullable(),
  dirty: z.boolean(),
  diffSha256: nullableSha256,
  untrackedSha256: nullableSha256,
  files: z.array(codeFileSchema).optional().describe('With a `code` input, the files that keyed the run.'),
}) satisfies z.ZodType<CodeState & { files?: CodeFile[] }>;

const runtimeSchema = z.strictObject({
  node: z.string(),
  platform: z.string(),
  python: z.string().nullable(),
  pipFreezeSha256: nullableSha256,
  pipPackages: z.number().int().nullable(),
  lockfiles: z.array(z.strictObject({ path: z.string(), sha256 })),
}) satisfies z.ZodType<RuntimeInfo>;

const scalar = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** The train step's result; see docs/train.md. */
export const trainResult = z.strictObject({
  command: z.string(),
  shell: z.enum(['bash', 'sh']),
  exitCode: z.number().int().nullable().describe('0 on success and on a cache hit; null when the command was killed.'),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().min(0),
  cacheHit: z.boolean(),
  cacheKey: sha256,
  cachedRun: z.strictObject({ createdAt: z.string(), durationMs: z.number().min(0) }).optional(),
  params: z.record(z.string(), z.unknown()).describe('Flattened (dotted) params: params file with `param` overrides applied.'),
  metrics: z.record(z.string(), scalar).describe('Flattened (dotted) metrics from every metrics file.'),
  outputs: z.array(pathDigestSchema),
  metricsFiles: z.array(pathDigestSchema),
  data: z.array(pathDigestSchema).describe('The `deps` inputs with their digests.'),
  code: codeStateSchema,
  runtime: runtimeSchema,
  env: z.array(z.string()).describe('Names of the `env` entries given to the command; values are never recorded.'),
  ray: z
    .strictObject({
      submissionId: z.string(),
      jobId: z.string().nullable(),
      address: z.string(),
      rayVersion: z.string(),
      status: z.enum(['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED']),
    })
    .optional()
    .describe('backend ray: the Ray job that ran the command, and how it ended.'),
  artifact: z.strictObject({ name: z.string(), id: z.union([z.string(), z.number()]).optional(), size: z.number().optional(), files: z.number().int() }).optional(),
  error: z.string().optional(),
}) satisfies z.ZodType<TrainData>;
