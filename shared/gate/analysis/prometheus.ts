import { environmentError, usageError } from '../../errors.js';
import { send, type HttpResponse, type SendOptions } from '../../http/client.js';
import type { AnalysisSpec } from '../types.js';

/** One series of an instant vector. `value` is missing for a native histogram sample, which has no single value. */
export interface VectorSample {
  labels: Record<string, string>;
  value: number | undefined;
}

/** One series of a range vector (a subquery such as `rate(x[1m])[5m:30s]` in an instant query). */
export interface MatrixSeries {
  labels: Record<string, string>;
  values: number[];
}

/** What `/api/v1/query` answered, by its `resultType`; values are numbers (NaN and ±Inf kept as such). */
export type QueryResult =
  | { type: 'scalar'; value: number; warnings: string[] }
  | { type: 'vector'; series: VectorSample[]; warnings: string[] }
  | { type: 'matrix'; series: MatrixSeries[]; warnings: string[] }
  | { type: 'string'; value: string; warnings: string[] };

export interface PrometheusClientOptions {
  /** The server's root, `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  url: string;
  /** A bearer token, already read from the environment. */
  token?: string;
  /** How long one query may take, at the server (`timeout=`) and on the connection. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Retry settings and the wait between tries (the analysis passes its own clock's sleep). */
  http?: Pick<SendOptions, 'retry' | 'sleep' | 'random'>;
  /** The largest answer read (default 16 MiB): a query matching every series of a big server fails instead of filling memory. */
  maxBytes?: number;
}

const MAX_BYTES = 16 << 20;

/**
 * The bearer token named by `prometheus.token-env`, or undefined when none is configured. A named
 * variable that is unset or empty is refused: querying without the token would fail every
 * measurement with a 401 that hides the real mistake.
 */
export function prometheusToken(settings: AnalysisSpec['prometheus'], env: NodeJS.ProcessEnv): string | undefined {
  const name = settings['token-env'];
  if (name === undefined) return undefined;
  const token = env[name];
  if (!token) {
    throw usageError(`analysis.prometheus.token-env names ${name}, which is not set or empty`, {
      code: 'prometheus-token-missing',
      hint: `Set ${name} to the Prometheus bearer token (a masked secret), or remove token-env when Prometheus needs none.`,
    });
  }
  return token;
}

/** Prometheus encodes sample values as strings: Go's float formatting, with `NaN`, `+Inf` and `-Inf`. */
export function parseSampleValue(text: unknown): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (typeof text === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  throw new TypeError(`a sample value must be a number in a string, got ${JSON.stringify(text)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function labelsOf(value: unknown): Record<string, string> {
  if (!isRecord(value)) throw new TypeError('a series has no metric labels');
  return Object.fromEntries(Object.entries(value).map(([name, label]) => [name, String(label)]));
}

/** `[<unix time>, "<value>"]` */
function pairValue(pair: unknown): number {
  if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('a sample must be [time, "value"]');
  return parseSampleValue(pair[1]);
}

/** The `data` of a successful answer, checked against the result formats of Prometheus's HTTP API. */
export function parseQueryData(data: unknown, warnings: string[]): QueryResult {
  if (!isRecord(data)) throw new TypeError('the answer has no data');
  const { resultType, result } = data;
  switch (resultType) {
    case 'scalar':
      return { type: 'scalar', value: pairValue(result), warnings };
    case 'string': {
      if (!Array.isArray(result) || typeof result[1] !== 'string') throw new TypeError('a string result must be [time, "text"]');
      return { type: 'string', value: result[1], warnings };
    }
    case 'vector': {
      if (!Array.isArray(result)) throw new TypeError('a vector result must be a list');
      const series = result.map((entry: unknown): VectorSample => {
        if (!isRecord(entry)) throw new TypeError('a vector entry must be an object');
        return { labels: labelsOf(entry.metric), value: entry.value === undefined ? undefined : pairValue(entry.value) };
      });
      return { type: 'vector', series, warnings };
    }
    case 'matrix': {
      if (!Array.isArray(result)) throw new TypeError('a matrix result must be a list');
      const series = result.map((entry: unknown): MatrixSeries => {
        if (!isRecord(entry)) throw new TypeError('a matrix entry must be an object');
        const values = entry.values === undefined ? [] : entry.values;
        if (!Array.isArray(values)) throw new TypeError('a matrix series needs a list of values');
        return { labels: labelsOf(entry.metric), values: values.map(pairValue) };
      });
      return { type: 'matrix', series, warnings };
    }
    default:
      throw new TypeError(`unknown resultType ${JSON.stringify(resultType)}`);
  }
}

interface Envelope {
  status?: unknown;
  data?: unknown;
  errorType?: unknown;
  error?: unknown;
  warnings?: unknown;
}

/** An instant-query client of Prometheus's HTTP API (`GET /api/v1/query`) over the shared HTTP client. */
export class PrometheusClient {
  private readonly endpoint: URL;

  constructor(private readonly options: PrometheusClientOptions) {
    this.endpoint = new URL(options.url);
    this.endpoint.pathname = `${this.endpoint.pathname.replace(/\/+$/, '')}/api/v1/query`;
    this.endpoint.search = '';
  }

  /** Where queries go, without credentials: for messages and the audit record. */
  get origin(): string {
    return this.endpoint.origin;
  }

  /** Evaluates `query` at `timeMs` (unix milliseconds), so a measurement can be replayed exactly. */
  async query(query: string, timeMs: number): Promise<QueryResult> {
    const url = new URL(this.endpoint);
    url.searchParams.set('query', query);
    url.searchParams.set('time', (timeMs / 1000).toFixed(3));
    url.searchParams.set('timeout', `${Math.max(1, Math.round(this.options.timeoutMs))}ms`);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const what = `query Prometheus at ${this.endpoint.host}`;
    const response = await send(
      { method: 'GET', url: url.toString(), headers, what },
      {
        unreachable: { code: 'prometheus-unreachable', hint: 'Check that Prometheus is running and reachable from this job at analysis.prometheus.url; the query was retried.' },
        signal: this.options.signal,
        timeoutMs: this.options.timeoutMs,
        ...this.options.http,
      },
    );
    return this.read(response);
  }

  private async bounded(response: HttpResponse): Promise<string> {
    const limit = this.options.maxBytes ?? MAX_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.stream) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        response.stream.destroy();
        throw environmentError(`Prometheus at ${this.endpoint.host} answered more than ${limit} bytes`, {
          code: 'prometheus-api',
          hint: 'The query matches too many series: aggregate it (sum, max, avg by a few labels).',
        });
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async read(response: HttpResponse): Promise<QueryResult> {
    const text = await this.bounded(response);
    let body: Envelope | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRecord(parsed)) body = parsed;
    } catch {
      // not JSON: a proxy's page, reported below
    }
    const where = `Prometheus at ${this.endpoint.host}`;
    if (response.status === 401 || response.status === 403) {
      throw environmentError(`${where} refused the query (HTTP ${response.status})`, {
        code: 'prometheus-auth',
        hint: 'Set analysis.prometheus.token-env to the variable holding a bearer token Prometheus accepts.',
      });
    }
    if (body?.status === 'error' || (response.status >= 400 && body?.error !== undefined)) {
      const detail = `${String(body?.errorType ?? 'error')}: ${String(body?.error ?? '')}`.trim();
      // 400 bad_data is a query Prometheus cannot parse; 422 execution one it cannot evaluate.
      if (response.status === 400 || response.status === 422) {
        throw usageError(`${where} rejected the query (HTTP ${response.status} ${detail})`, {
          code: 'prometheus-query',
          hint: 'Check the PromQL in analysis.metrics: run it in the Prometheus UI first.',
        });
      }
      throw environmentError(`${where} failed the query (HTTP ${response.status} ${detail})`, { code: 'prometheus-api', hint: 'Prometheus answered with an error; see its message.' });
    }
    if (response.status !== 200 || body?.status !== 'success') {
      throw environmentError(`${where} answered HTTP ${response.status} without a query result: ${text.slice(0, 200).trim() || '(empty body)'}`, {
        code: 'prometheus-api',
        hint: 'Check that analysis.prometheus.url is the Prometheus server itself (its /api/v1/query answers JSON).',
      });
    }
    const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : [];
    try {
      return parseQueryData(body.data, warnings);
    } catch (error) {
      throw environmentError(`${where} answered a malformed result: ${(error as Error).message}`, {
        code: 'prometheus-api',
        hint: 'Check that analysis.prometheus.url is the Prometheus server itself (its /api/v1/query answers JSON).',
      });
    }
  }
}
