import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { environmentError } from '../errors.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A buffer, or a factory so the body can be replayed on a retry (streams are single-use). */
  body?: string | Buffer | (() => Readable);
  /** Required with a stream body: sent as Content-Length. */
  length?: number;
  /** Say what the request was for in errors: "upload blob sha256:… to repo". */
  what: string;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  stream: http.IncomingMessage;
  text(): Promise<string>;
  json<T>(): Promise<T>;
  /** Reads and drops the body so the socket can be reused. */
  drain(): Promise<void>;
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

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'ECONNABORTED']);

export interface SendOptions {
  signal?: AbortSignal;
  /** Attempts for network errors and 429/502/503/504. */
  attempts?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

function wrap(message: IncomingMessageLike): HttpResponse {
  const stream = message as http.IncomingMessage;
  const text = async (): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  return {
    status: stream.statusCode ?? 0,
    headers: stream.headers,
    stream,
    text,
    async json<T>() {
      const body = await text();
      return (body ? JSON.parse(body) : {}) as T;
    },
    async drain() {
      stream.resume();
      await new Promise<void>((resolve) => {
        if (stream.readableEnded) resolve();
        else {
          stream.once('end', resolve);
          stream.once('error', () => resolve());
          stream.once('close', () => resolve());
        }
      });
    },
  };
}

type IncomingMessageLike = http.IncomingMessage;

function once(request: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const headers: Record<string, string> = { 'user-agent': 'modelci', ...request.headers };
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
    const req = (secure ? https : http).request(url, { method: request.method, headers, agent: secure ? agents.https : agents.http, signal }, (response) => resolve(wrap(response)));
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

/** One HTTP exchange with retries on network trouble; never puts headers (credentials) in errors. */
export async function send(request: HttpRequest, options: SendOptions = {}): Promise<HttpResponse> {
  const attempts = options.attempts ?? 4;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await once(request, options.signal);
      if (RETRY_STATUS.has(response.status) && attempt < attempts) {
        await response.drain();
        await sleep(250 * 2 ** (attempt - 1), options.signal);
        continue;
      }
      return response;
    } catch (error) {
      lastError = error;
      if (options.signal?.aborted) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!RETRY_CODES.has(code) && !/socket hang up/.test(String((error as Error).message))) break;
      if (attempt < attempts) await sleep(250 * 2 ** (attempt - 1), options.signal);
    }
  }
  const reason = lastError instanceof Error ? ((lastError as NodeJS.ErrnoException).code ?? lastError.message) : String(lastError);
  const where = new URL(request.url);
  throw environmentError(`Could not ${request.what}: ${where.protocol}//${where.host} did not answer (${reason}).`, {
    code: 'registry-unreachable',
    hint: 'Check that the registry is running and reachable from this job; the request was retried.',
  });
}

/** A short excerpt of an error body, for messages. Registries answer with JSON error lists. */
export async function errorText(response: HttpResponse): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[]; error_code?: string; message?: string };
    if (parsed.errors?.length) return parsed.errors.map((error) => [error.code, error.message].filter(Boolean).join(': ')).join('; ');
    if (parsed.error_code || parsed.message) return [parsed.error_code, parsed.message].filter(Boolean).join(': ');
  } catch {
    // not JSON
  }
  return text.slice(0, 300).trim() || `HTTP ${response.status}`;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');
}

/** Throttled progress: at most one line every `intervalMs`, plus the final one. */
export function throttledProgress(log: (line: string) => void, intervalMs = 2000, minBytes = 32 << 20): (label: string, done: number, total: number) => void {
  let last = 0;
  const started = Date.now();
  return (label, done, total) => {
    if (total < minBytes) return;
    const now = Date.now();
    if (done < total && now - last < intervalMs) return;
    if (done >= total && last === -1) return;
    last = done >= total ? -1 : now;
    const seconds = Math.max((now - started) / 1000, 0.001);
    const mib = (bytes: number): string => (bytes / (1 << 20)).toFixed(1);
    log(`${label}: ${mib(done)}/${mib(total)} MiB (${Math.round((100 * done) / total)}%, ${mib(done / seconds)} MiB/s)`);
  };
}
