import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { environmentError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import { backoffMs, DEFAULT_RETRY, RETRY_CODES, retryableStatus, serverWaitMs, type RetryPolicy } from './retry-policy.js';
import { abortReason, sleep as abortableSleep } from './sleep.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A buffer, or a factory so the body can be replayed on a retry (streams are single-use). */
  body?: string | Buffer | (() => Readable);
  /** Required with a stream body: sent as Content-Length. */
  length?: number;
  /** Say what the request was for in errors: "upload blob sha256:… to team/churn". */
  what: string;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The URL that answered, after any redirects followed. */
  url: string;
  stream: http.IncomingMessage;
  text(): Promise<string>;
  json<T>(): Promise<T>;
  /** Reads and drops the body so the socket can be reused. */
  drain(): Promise<void>;
}

/** What the caller says when its server cannot be reached: its own error code and hint. */
export interface Unreachable {
  code: string;
  hint: string;
}

export interface SendOptions {
  /** The caller's words for a server that never answered (exit 3). */
  unreachable: Unreachable;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  /** Silence on the connection for this long fails the try with ETIMEDOUT (and it is retried). */
  timeoutMs?: number;
  /** Redirects to follow; 0 hands them back. Credentials never follow to another origin. */
  redirects?: number;
  /** Header names that carry credentials besides the usual ones (dropped on a cross-origin redirect). */
  credentialHeaders?: readonly string[];
  /** The wait between tries (tests observe the waits through it). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

// Sockets (and so the responses read from them, which take the socket's readable highWaterMark)
// buffer up to 1 MiB instead of Node's 16 KiB: a GiB blob then moves in fewer, larger chunks, with
// fewer pause/resume round trips between the socket, the hash and the file. Memory stays bounded
// (1 MiB per socket, at most 8 sockets). An Agent hands its options to net/tls.connect, which
// accept highWaterMark; @types/node leaves it out of AgentOptions, hence the casts.
const SOCKET_BUFFER = 1 << 20;
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 8, highWaterMark: SOCKET_BUFFER } as http.AgentOptions),
  https: new https.Agent({ keepAlive: true, maxSockets: 8, highWaterMark: SOCKET_BUFFER } as https.AgentOptions),
};

export const USER_AGENT = `modelci/${TOOL_VERSION}`;
const DEFAULT_TIMEOUT = 60_000;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'private-token', 'job-token'];

function wrap(stream: http.IncomingMessage, url: string): HttpResponse {
  const text = async (): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    status: stream.statusCode ?? 0,
    headers: stream.headers,
    url,
    stream,
    text,
    async json<T>() {
      const body = await text();
      return (body ? JSON.parse(body) : {}) as T;
    },
    async drain() {
      stream.resume();
      await new Promise<void>((resolve) => {
        if (stream.readableEnded || stream.destroyed) resolve();
        else {
          stream.once('end', resolve);
          stream.once('error', () => resolve());
          stream.once('close', () => resolve());
        }
      });
    },
  };
}

function once(request: HttpRequest, signal: AbortSignal | undefined, timeoutMs: number): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...request.headers };
    let body: Readable | string | Buffer | undefined;
    if (typeof request.body === 'function') {
      body = request.body();
      if (request.length !== undefined) headers['content-length'] = String(request.length);
    } else if (request.body !== undefined) {
      body = request.body;
      headers['content-length'] = String(Buffer.byteLength(request.body));
    } else if (['PUT', 'POST', 'PATCH'].includes(request.method)) {
      headers['content-length'] = '0';
    }
    const req = (secure ? https : http).request(url, { method: request.method, headers, agent: secure ? agents.https : agents.http, signal }, (response) => resolve(wrap(response, request.url)));
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer for ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => {
      if (body && typeof body === 'object' && 'destroy' in body) (body as Readable).destroy();
      reject(error);
    });
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (error) => req.destroy(error));
      body.pipe(req);
    }
  });
}

/** The request to send for a redirect's Location; credentials stay behind when the origin changes. */
export function redirected(request: HttpRequest, status: number, location: string, credentialHeaders: readonly string[] = []): HttpRequest {
  const target = new URL(location, request.url);
  const strip = new Set(target.origin === new URL(request.url).origin ? [] : [...CREDENTIAL_HEADERS, ...credentialHeaders.map((name) => name.toLowerCase())]);
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([name]) => !strip.has(name.toLowerCase())));
  // 303, and 301/302 after a POST, turn into a GET without the body, as browsers do.
  const toGet = status === 303 || ((status === 301 || status === 302) && request.method === 'POST');
  if (!toGet) return { ...request, url: target.toString(), headers };
  const { body: _body, length: _length, ...rest } = request;
  delete headers['content-type'];
  return { ...rest, method: request.method === 'HEAD' ? 'HEAD' : 'GET', url: target.toString(), headers };
}

function isRetryableError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return RETRY_CODES.has(code) || /socket hang up/.test(String((error as Error).message));
}

/**
 * One HTTP exchange, retried with full-jitter backoff on connection trouble and on 429/502/503/504
 * or a rate-limited 403, waiting what the server asks (Retry-After, rate-limit reset) when it
 * asks. A retryable status that outlasts the tries is returned for the caller to report; a server
 * that never answers fails with the caller's code and hint (exit 3). Headers (credentials) never
 * appear in errors.
 */
export async function send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const wait = options.sleep ?? abortableSleep;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT;
  let current = request;
  let hops = 0;
  let waited = 0;
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let delay: number;
    try {
      const response = await once(current, options.signal, timeoutMs);
      const location = response.headers.location;
      if (REDIRECTS.has(response.status) && typeof location === 'string' && hops < (options.redirects ?? 0)) {
        await response.drain();
        current = redirected(current, response.status, location, options.credentialHeaders);
        hops++;
        attempt--;
        continue;
      }
      if (!retryableStatus(response.status, response.headers) || attempt >= policy.attempts) return response;
      delay = serverWaitMs(response.headers) ?? backoffMs(attempt, policy, options.random);
      if (waited + delay > policy.budgetMs) return response;
      await response.drain();
    } catch (error) {
      lastError = error;
      if (options.signal?.aborted || !isRetryableError(error) || attempt >= policy.attempts) break;
      delay = backoffMs(attempt, policy, options.random);
      if (waited + delay > policy.budgetMs) break;
    }
    waited += delay;
    await wait(delay, options.signal);
  }
  if (options.signal?.aborted) throw abortReason(options.signal);
  const reason = lastError instanceof Error ? ((lastError as NodeJS.ErrnoException).code ?? lastError.message) : String(lastError);
  const where = new URL(current.url);
  throw environmentError(`Could not ${request.what}: ${where.protocol}//${where.host} did not answer (${reason}).`, {
    code: options.unreachable.code,
    hint: options.unreachable.hint,
    cause: lastError,
  });
}
