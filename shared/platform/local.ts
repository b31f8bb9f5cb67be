import { formatLocation, type SourceLocation } from '../errors.js';
import { Redactor } from '../text/redact.js';
import { appendSummaryFile } from './summary-file.js';
import type { Platform, RunInfo } from './types.js';

export interface LocalPlatformOptions {
  /** Where logs go; stdout stays free for results and JSON. */
  log?: NodeJS.WritableStream;
  /** The job summary is appended here (markdown). */
  summaryFile: string;
  color?: boolean;
  verbose?: boolean;
}

const paint = (code: number, enabled: boolean) => (text: string) => (enabled ? `\u001b[${code}m${text}\u001b[0m` : text);

/** A terminal and plain files: for laptops and for CI systems we have no adapter for. */
export class LocalPlatform implements Platform {
  readonly name = 'local' as const;
  readonly outputs = new Map<string, string>();
  private readonly log: NodeJS.WritableStream;
  private readonly redactor = new Redactor();
  private readonly red: (text: string) => string;
  private readonly yellow: (text: string) => string;
  private readonly dim: (text: string) => string;

  constructor(private readonly options: LocalPlatformOptions) {
    this.log = options.log ?? process.stderr;
    const color = options.color ?? false;
    this.red = paint(31, color);
    this.yellow = paint(33, color);
    this.dim = paint(2, color);
  }

  private write(line: string): void {
    this.log.write(`${this.redactor.redact(line)}\n`);
  }

  private prefix(location: SourceLocation | undefined): string {
    const where = formatLocation(location);
    return where ? `${where}: ` : '';
  }

  info(message: string): void {
    this.write(message);
  }

  warning(message: string, location?: SourceLocation): void {
    this.write(`${this.yellow('warning')}: ${this.prefix(location)}${message}`);
  }

  error(message: string, location?: SourceLocation): void {
    this.write(`${this.red('error')}: ${this.prefix(location)}${message}`);
  }

  debug(message: string): void {
    if (this.options.verbose) this.write(this.dim(message));
  }

  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.write(`▸ ${title}`);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.write(this.dim(`◂ ${title} (${((performance.now() - started) / 1000).toFixed(1)} s)`));
    }
  }

  setOutput(name: string, value: string): void {
    this.outputs.set(name, value);
  }

  appendSummary(markdown: string): Promise<void> {
    return appendSummaryFile(this.options.summaryFile, markdown, this.redactor);
  }

  mask(secret: string): void {
    this.redactor.add(secret);
  }

  run(): RunInfo {
    return {};
  }

  async commentThread(): Promise<{ unavailable: string }> {
    return { unavailable: 'a local run has no pull or merge request to comment on' };
  }

  async deployments(): Promise<{ unavailable: string }> {
    return { unavailable: 'a local run has no CI environments: approvals and deployments exist only in a GitHub Actions or GitLab CI job' };
  }
}
