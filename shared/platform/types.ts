import type { SourceLocation } from '../errors.js';
import type { DeploymentGate } from './deployments.js';

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
  /**
   * The comments of the pull or merge request this run belongs to, written with `token` (or the
   * CI's own); `unavailable` says why there is none (no PR, a local run, a token that cannot write).
   */
  commentThread(token: string | undefined): Promise<CommentThread | { unavailable: string }>;
  /**
   * Environments and deployments for the gate, written with `token` (or the CI's own);
   * `unavailable` says why there are none (a local run, no token, no environment).
   */
  deployments?(token: string | undefined): Promise<DeploymentGate | { unavailable: string }>;
}

export interface ThreadComment {
  id: number;
  body: string;
  author: string | undefined;
  url?: string;
  /** GitHub's GraphQL id, to minimize the comment. */
  nodeId?: string;
}

/** One pull or merge request's comments, as the report's sticky comment needs them. */
export interface CommentThread {
  /** For messages: `pull request #7`, `merge request !7`. */
  readonly label: string;
  /** The longest body the platform accepts, in characters. */
  readonly maxBody: number;
  /** Who the token writes as: only its own comments are ever edited. */
  identity(): Promise<string>;
  /** Every comment, oldest first, all pages. */
  list(): Promise<ThreadComment[]>;
  create(body: string): Promise<ThreadComment>;
  update(id: number, body: string): Promise<void>;
  remove(id: number): Promise<void>;
  /** Fold a comment away as outdated, where the platform can (GitHub). */
  hide?(comment: ThreadComment): Promise<void>;
  /** The run's place in time, `run.attempt`: a comment from a later run is never overwritten. */
  readonly order: [number, number];
  /** The head commit this run reports on (lowercase hex), recorded in the marker. */
  readonly head?: string;
  /** The request's head commit now: a comment reporting it is never overwritten by a run of an older head. */
  currentHead?(): Promise<string | undefined>;
}

export interface RunInfo {
  /** Link to the CI job or workflow run, when known. */
  url?: string;
  id?: string;
  /** Which try of the run this is (GitHub's re-run counter); absent where each retry is a new id. */
  attempt?: string;
  repository?: string;
  ref?: string;
  sha?: string;
  actor?: string;
  /** The pull/merge request number, when the run belongs to one. */
  changeRequest?: number;
  /** The job: `workflow/job` on GitHub, the job name on GitLab (a report's default key). */
  job?: string;
}

/** Stores files as CI artifacts (GitHub: @actions/artifact; GitLab: declared in YAML, so a no-op). */
export interface ArtifactStore {
  upload(name: string, files: string[], rootDirectory: string): Promise<{ id?: string | number; size?: number } | undefined>;
}
