import type * as Core from '@actions/core';
import type { SourceLocation } from '../errors.js';
import { githubRunInfo } from './run-info.js';
import { githubDeployments } from './github-deployments.js';
import { githubThread } from './github-thread.js';
import type { DeploymentGate } from './deployments.js';
import type { CommentThread, Platform, RunInfo } from './types.js';

function annotation(location: SourceLocation | undefined): Core.AnnotationProperties {
  if (!location) return {};
  return {
    file: location.file,
    ...(location.line !== undefined ? { startLine: location.line } : {}),
    ...(location.column !== undefined ? { startColumn: location.column } : {}),
  };
}

/** GitHub Actions through @actions/core: workflow commands, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY. */
export class GithubPlatform implements Platform {
  readonly name = 'github' as const;

  constructor(
    private readonly core: typeof Core,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(env: NodeJS.ProcessEnv): Promise<GithubPlatform> {
    // Loaded on demand so the CLI's cold start does not pay for it off GitHub.
    const core = await import('@actions/core');
    return new GithubPlatform(core, env);
  }

  info(message: string): void {
    this.core.info(message);
  }

  warning(message: string, location?: SourceLocation): void {
    this.core.warning(message, annotation(location));
  }

  error(message: string, location?: SourceLocation): void {
    this.core.error(message, annotation(location));
  }

  debug(message: string): void {
    this.core.debug(message);
  }

  group<T>(title: string, work: () => Promise<T>): Promise<T> {
    return this.core.group(title, work);
  }

  setOutput(name: string, value: string): void {
    this.core.setOutput(name, value);
  }

  async appendSummary(markdown: string): Promise<void> {
    if (!this.env.GITHUB_STEP_SUMMARY) return;
    await this.core.summary.addRaw(markdown, true).write();
  }

  mask(secret: string): void {
    this.core.setSecret(secret);
  }

  run(): RunInfo {
    return githubRunInfo(this.env);
  }

  commentThread(token: string | undefined): Promise<CommentThread | { unavailable: string }> {
    return githubThread(this.env, token, (secret) => this.mask(secret), (line) => this.warning(line));
  }

  async deployments(token: string | undefined): Promise<DeploymentGate | { unavailable: string }> {
    return githubDeployments(this.env, token, (secret) => this.mask(secret), (line) => this.warning(line), (line) => this.info(line));
  }
}
