/** Exit codes are a public contract (DESIGN.md): scripts outside the repo rely on them. */
export const ExitCode = {
  passed: 0,
  failed: 1,
  usage: 2,
  environment: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * usage: bad flags, config, schema or input file (exit 2).
 * environment: network, registry or server trouble after retries (exit 3).
 * rejected: the step ran and said no, raised from deep inside a step (exit 1).
 */
export type ErrorKind = 'usage' | 'environment' | 'rejected';

export interface SourceLocation {
  file: string;
  /** 1-based. For tables: the Frictionless row number (header = 1). */
  line?: number;
  /** 1-based. */
  column?: number;
}

export interface ModelciErrorOptions {
  /** Stable machine-readable code, e.g. `config-unknown-key`, `csv-unterminated-quote`. */
  code: string;
  hint?: string;
  location?: SourceLocation;
  cause?: unknown;
}

export class ModelciError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;

  constructor(kind: ErrorKind, message: string, options: ModelciErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelciError';
    this.kind = kind;
    this.code = options.code;
    this.hint = options.hint;
    this.location = options.location;
  }

  get exitCode(): ExitCode {
    if (this.kind === 'usage') return ExitCode.usage;
    if (this.kind === 'environment') return ExitCode.environment;
    return ExitCode.failed;
  }

  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.location ? { location: this.location } : {}),
    };
  }
}

export function usageError(message: string, options: ModelciErrorOptions): ModelciError {
  return new ModelciError('usage', message, options);
}

export function environmentError(message: string, options: ModelciErrorOptions): ModelciError {
  return new ModelciError('environment', message, options);
}

export function rejectedError(message: string, options: ModelciErrorOptions): ModelciError {
  return new ModelciError('rejected', message, options);
}

export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.line !== undefined && location.column !== undefined) text += `:${location.column}`;
  return text;
}

/** The message and hint, for platforms that show the location themselves (annotations). */
export function formatErrorBody(error: ModelciError): string {
  return error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message;
}

/** One human-readable block: `file:line:col: message` then `hint: ...`. */
export function formatError(error: ModelciError): string {
  const where = formatLocation(error.location);
  return where ? `${where}: ${formatErrorBody(error)}` : formatErrorBody(error);
}

/** Unknown failures (bugs, unexpected I/O) are environment failures unless typed otherwise. */
export function asModelciError(error: unknown): ModelciError {
  if (error instanceof ModelciError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return environmentError(message, { code: 'unexpected', cause: error });
}
