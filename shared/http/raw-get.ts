import net from 'node:net';
import tls from 'node:tls';
import { USER_AGENT } from './client.js';

export interface RawHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Set only when the body is framed by Content-Length alone (no Transfer-Encoding). */
  length?: number;
}

/**
 * Takes one piece of the body. The bytes are reused after it returns, so it must copy or consume
 * them at once; a returned promise pauses reading until it settles (a rejection fails the GET).
 */
export type BodySink = (chunk: Buffer) => Promise<void> | undefined;

export interface RawGetOptions {
  headers?: Record<string, string>;
  /** Called once the head is in: a sink to take the body (only offered when `head.length` is set), or undefined to hang up. */
  accept(head: RawHead): BodySink | undefined;
  signal?: AbortSignal;
  /** Silence on the connection for this long fails the request with ETIMEDOUT. */
  idleMs?: number;
  /** The one read buffer the socket fills. */
  bufferBytes?: number;
  /** Trusted CA certificates instead of Node's defaults (tests with a loopback TLS server). */
  ca?: string | Buffer;
}

export interface RawResult {
  head: RawHead;
  /** Whether the body went to a sink; false when `accept` declined it. */
  taken: boolean;
}

/** Errors carry a `code`; `afterHead` tells a failure mid-body from one before any answer. */
export class RawGetError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly afterHead: boolean,
  ) {
    super(message);
  }
}

const MAX_HEAD = 64 << 10;
const SEPARATOR = Buffer.from('\r\n\r\n');

/**
 * One HTTP/1.1 GET on its own connection, read with a static buffer (`onread`) so a large body
 * arrives in reads of up to `bufferBytes` with no allocation per chunk. Node's HTTP client hands
 * bodies over in 64 KiB chunks through streams, which caps a GiB download well below curl.
 */
export function rawGet(target: string, options: RawGetOptions): Promise<RawResult> {
  const url = new URL(target);
  const secure = url.protocol === 'https:';
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, `user-agent: ${USER_AGENT}`, 'accept-encoding: identity', 'connection: close'];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (/[\r\n]/.test(name + value)) return Promise.reject(new RawGetError(`header ${name} contains a line break`, 'ERR_INVALID_HEADER', false));
    lines.push(`${name}: ${value}`);
  }
  const request = `${lines.join('\r\n')}\r\n\r\n`;

  return new Promise((resolve, reject) => {
    let head: RawHead | undefined;
    let headBytes: Buffer[] = [];
    let sink: BodySink | undefined;
    let received = 0;
    let settled = false;
    let paused = false;

    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve({ head: head as RawHead, taken: sink !== undefined });
    };
    const fail = (message: string, code: string): void => finish(new RawGetError(message, code, head !== undefined));
    const onAbort = (): void => finish((options.signal?.reason as Error | undefined) ?? new Error('aborted'));

    const body = (chunk: Buffer): void => {
      const length = (head as RawHead).length as number;
      if (received + chunk.length > length) return fail(`the server sent more than the ${length} bytes it announced`, 'ERR_BAD_RESPONSE');
      received += chunk.length;
      const wait = (sink as BodySink)(chunk);
      if (received === length) {
        // The sink reports its own late failures (HashedWriter.finish); this one is done.
        wait?.catch(() => undefined);
        return finish();
      }
      if (wait) {
        paused = true;
        wait.then(() => {
          paused = false;
          if (!settled) socket.resume();
        }, finish);
      }
    };

    const onHeadBytes = (chunk: Buffer): void => {
      headBytes.push(Buffer.from(chunk));
      const all = Buffer.concat(headBytes);
      const end = all.indexOf(SEPARATOR);
      if (end < 0) {
        if (all.length > MAX_HEAD) fail('the response head is too large', 'ERR_BAD_RESPONSE');
        else headBytes = [all];
        return;
      }
      head = parseHead(all.subarray(0, end).toString('latin1'));
      if (!head) return fail('the server did not answer with HTTP/1.x', 'ERR_BAD_RESPONSE');
      headBytes = [];
      sink = options.accept(head);
      if (!sink || head.length === undefined) {
        sink = undefined;
        return finish();
      }
      if (head.length === 0) return finish();
      const rest = all.subarray(end + SEPARATOR.length);
      if (rest.length > 0) body(rest);
    };

    const onread = {
      buffer: Buffer.allocUnsafe(options.bufferBytes ?? 1 << 20),
      callback(bytes: number, buffer: Buffer): boolean {
        try {
          const chunk = buffer.subarray(0, bytes);
          if (sink) body(chunk);
          else if (!head) onHeadBytes(chunk);
        } catch (error) {
          finish(error as Error);
        }
        return !settled && !paused;
      },
    };
    const port = Number(url.port) || (secure ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // tls.connect takes every net.connect option, onread included; @types/node leaves it out.
    const socket = secure
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, onread, ...(options.ca ? { ca: options.ca } : {}) } as tls.ConnectionOptions)
      : net.connect({ host, port, onread });
    socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.setTimeout(options.idleMs ?? 60_000, () => fail('the connection went silent', 'ETIMEDOUT'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(new RawGetError(error.message, error.code ?? 'ECONNRESET', head !== undefined)));
    socket.once('close', () => {
      if (!head) fail('the connection closed before an answer', 'ECONNRESET');
      else fail(`the connection closed after ${received} of ${head.length} bytes`, 'ERR_TRUNCATED');
    });
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function parseHead(text: string): RawHead | undefined {
  const [statusLine = '', ...fields] = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const head: RawHead = { status: Number(status[1]), headers };
  const length = headers['content-length'];
  if (length !== undefined && /^\d+$/.test(length) && !('transfer-encoding' in headers)) head.length = Number(length);
  return head;
}

/** Node's HTTP client goes through HTTP(S)_PROXY when NODE_USE_ENV_PROXY is on; a raw connection would not, so it is not used then. */
export function proxyInUse(env: NodeJS.ProcessEnv = process.env): boolean {
  const on = env.NODE_USE_ENV_PROXY === '1' || /--use-env-proxy/.test(env.NODE_OPTIONS ?? '') || process.execArgv.includes('--use-env-proxy');
  return on && Boolean(env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy);
}
