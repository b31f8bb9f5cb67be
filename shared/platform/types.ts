import type { SourceLocation } from '../errors.js';

export type PlatformName = 'github' | 'gitlab' | 'local';

/** Everything a step may do to the CI it runs in. Steps never import a CI SDK directly. */
export interface Platform {
  readonly name: PlatformName;
  info(message: string): void;
  warning(message: string, location?: SourceLocation): void;
  /** An error annotation; on GitHub it shows on the file and line in the PR diff. */
  error(message: string, location?: SourceLocation): void;
  debug(message: string): void;
  /** A foldable log section around long work. */
  group<T>(title: string, work: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string): void;
  /** Markdown for the job summary (GitHub step summary; GitLab and local write a file). */
  appendSummary(markdown: string): Promise<void>;
  /** Hide a secret in all later log lines. */
  mask(secret: string): void;
  /** Facts about the current CI run, for evidence and reports. */
  run(): RunInfo;
}

export interface RunInfo {
  /** Link to the CI job or workflow run, when known. */
  url?: string;
  id?: string;
  repository?: string;
  ref?: string;
  sha?: string;
  actor?: string;
  /** The pull/merge request number, when the run belongs to one. */
  changeRequest?: number;
}

/** Stores files as CI artifacts (GitHub: @actions/artifact; GitLab: declared in YAML, so a no-op). */
export interface ArtifactStore {
  upload(name: string, files: string[], rootDirectory: string): Promise<{ id?: string | number; size?: number } | undefined>;
}
