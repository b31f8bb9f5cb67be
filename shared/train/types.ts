import type { CodeFile } from './code-files.js';
import type { CodeState } from './code-state.js';
import type { Shell } from './command.js';
import type { Scalar } from './flatten.js';
import type { PathDigest } from '../files/paths.js';
import type { RuntimeInfo } from './runtime.js';
import type { RayRunInfo } from './ray/backend.js';

/** The train step's JSON payload (`--format json` prints `{status, ...TrainData}`); see docs/train.md. */
export interface TrainData {
  command: string;
  shell: Shell;
  /** 0 on success and on a cache hit; null when the command was killed (timeout, cancel). */
  exitCode: number | null;
  /** The signal that ended the command, if any. */
  signal: string | null;
  timedOut: boolean;
  /** Wall time of this step's run: the command, or the restore on a cache hit. */
  durationMs: number;
  cacheHit: boolean;
  /** sha256 of the run-cache key material (see docs/train.md). */
  cacheKey: string;
  /** On a cache hit: the run whose outputs were restored. */
  cachedRun?: { createdAt: string; durationMs: number };
  /** Flattened (dotted) params: params file with `param` overrides applied. */
  params: Record<string, unknown>;
  /** Flattened (dotted) metrics from every metrics file; later files win on equal names. */
  metrics: Record<string, Scalar>;
  outputs: PathDigest[];
  metricsFiles: PathDigest[];
  /** The `deps` inputs (data files and directories) with their digests. */
  data: PathDigest[];
  /** With a `code` input, the files that keyed the run. */
  code: CodeState & { files?: CodeFile[] };
  runtime: RuntimeInfo;
  /** Names of the `env` entries given to the command; values are never recorded. */
  env: string[];
  /** backend ray: the job that ran the command. */
  ray?: RayRunInfo;
  artifact?: { name: string; id?: string | number; size?: number; files: number };
  /** Why the run failed, when it did. */
  error?: string;
}
