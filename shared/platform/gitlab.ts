import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { formatLocation, type SourceLocation } from '../errors.js';
import { Redactor } from '../text/redact.js';
import { appendSummaryFile } from './summary-file.js';
import { gitlabRunInfo } from './run-info.js';
import { gitlabDeployments } from './gitlab-deployments.js';
import { gitlabThread } from './gitlab-thread.js';
import type { DeploymentGate } from './deployments.js';
import type { CommentThread, Platform, RunInfo } from './types.js';

export interface GitlabPlatformOptions {
  env: NodeJS.ProcessEnv;
  log?: NodeJS.WritableStream;
  /** A dotenv report (artifacts:reports:dotenv) that carries outputs to later jobs. */
  dotenvFile: string;
  summaryFile: string;
  /** Prefix of dotenv variable names, e.g. MODELCI_TRAIN_ for the train step. */
  outputPrefix: string;
}

/** Dotenv reports accept only [A-Za-z_][A-Za-z0-9_]* names and single-line values. */
export function dotenvName(prefix: string, output: string): string {
  return `${prefix}${output}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** GitLab CI: collapsible log sections, a dotenv report for outputs, a markdown summary file. */
export class GitlabPlatform implements Platform {
  readonly name = 'gitlab' as const;
  private readonly log: NodeJS.WritableStream;
  private readonly redactor = new Redactor();
  private sectionCount = 0;
  private pendingDotenv: Promise<void> = Promise.resolve();

  constructor(private readonly options: GitlabPlatformOptions) {
    this.log = options.log ?? process.stdout;
  }

  private write(line: string): void {
    this.log.write(`${this.redactor.redact(line)}\n`);
  }

  info(message: string): void {
    this.write(message);
  }

  warning(message: string, location?: SourceLocation): void {
    const where = formatLocation(location);
    this.write(`\u001b[33mwarning\u001b[0m: ${where ? `${where}: ` : ''}${message}`);
  }

  error(message: string, location?: SourceLocation): void {
    const where = formatLocation(location);
    this.write(`\u001b[31merror\u001b[0m: ${where ? `${where}: ` : ''}${message}`);
  }

  debug(message: string): void {
    if (this.options.env.CI_DEBUG_TRACE === 'true') this.write(message);
  }

  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    const section = `modelci_${++this.sectionCount}`;
    const now = () => Math.floor(Date.now() / 1000);
    this.log.write(`\u001b[0Ksection_start:${now()}:${section}[collapsed=true]\r\u001b[0K${this.redactor.redact(title)}\n`);
    try {
      return await work();
    } finally {
      this.log.write(`\u001b[0Ksection_end:${now()}:${section}\r\u001b[0K\n`);
    }
  }

  setOutput(name: string, value: string): void {
    const line = `${dotenvName(this.options.outputPrefix, name)}=${value.replace(/\r?\n/g, ' ')}\n`;
    const file = this.options.dotenvFile;
    this.pendingDotenv = this.pendingDotenv.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, line);
    });
  }

  /** Outputs are appended in the background; the runner awaits them before exiting. */
  flush(): Promise<void> {
    return this.pendingDotenv;
  }

  appendSummary(markdown: string): Promise<void> {
    return appendSummaryFile(this.options.summaryFile, markdown, this.redactor);
  }

  mask(secret: string): void {
    this.redactor.add(secret);
  }

  run(): RunInfo {
    return gitlabRunInfo(this.options.env);
  }

  async commentThread(token: string | undefined): Promise<CommentThread | { unavailable: string }> {
    return gitlabThread(this.options.env, token, (secret) => this.mask(secret));
  }

  async deployments(token: string | undefined): Promise<DeploymentGate | { unavailable: string }> {
    return gitlabDeployments(this.options.env, token, (secret) => this.mask(secret), (line) => this.info(line));
  }
}
