import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import { send, USER_AGENT, type SendOptions } from '../../shared/http/client.js';
import { sleep } from '../../shared/http/sleep.js';
import { TOOL_VERSION } from '../../shared/version.js';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const servers: http.Server[] = [];

async function serve(host: string, handlers: Handler[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const handler = handlers[Math.min(seen.length, handlers.length) - 1] as Handler;
      handler(request, response, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, seen };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const ok: Handler = (_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('fine');
const status = (code: number, headers: Record<string, string> = {}): Handler => (_request, response) => response.writeHead(code, headers).end(`status ${code}`);

function options(waits: number[], extra: Partial<SendOptions> = {}): SendOptions {
  return {
    unreachable: { code: 'thing-unreachable', hint: 'Start the thing.' },
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    ...extra,
  };
}

describe('shared HTTP client', () => {
  it('sends modelci/<version> as its user agent', async () => {
    const server = await serve('127.0.0.1', [ok]);
    await (await send({ method: 'GET', url: `${server.url}/`, what: 'read' }, options([]))).drain();
    expect(USER_AGENT).toBe(`modelci/${TOOL_VERSION}`);
    expect(server.seen[0]?.headers['user-agent']).toBe(USER_AGENT);
  });

  it('retries a 502 and a 503 with full-jitter backoff, then returns the success', async () => {
    const server = await serve('127.0.0.1', [status(502), status(503), ok]);
    const waits: number[] = [];
    const response = await send({ method: 'POST', url: `${server.url}/x`, body: 'payload', what: 'post' }, options(waits, { retry: { baseMs: 100, capMs: 1000 } }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('fine');
    // random() = 0.5 of min(cap, base * 2^(attempt-1)): 50 then 100.
    expect(waits).toEqual([50, 100]);
    expect(server.seen.map((request) => request.body)).toEqual(['payload', 'payload', 'payload']);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    const server = await serve('127.0.0.1', [status(429, { 'retry-after': '7' }), status(503, { 'retry-after': date }), ok]);
    const waits: number[] = [];
    const response = await send({ method: 'GET', url: server.url, what: 'read' }, options(waits));
    expect(response.status).toBe(200);
    expect(waits[0]).toBe(7000);
    // An HTTP date has one-second resolution: the wait is up to 30 s, and more than 28 s.
    expect(waits[1]).toBeGreaterThan(28_000);
    expect(waits[1]).toBeLessThanOrEqual(30_000);
  });

  it("waits for the rate-limit reset on a 403 with x-ratelimit-remaining: 0 (GitHub's primary limit)", async () => {
    const reset = Math.ceil(Date.now() / 1000) + 20;
    const server = await serve('127.0.0.1', [status(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }), ok]);
    const waits: number[] = [];
    expect((await send({ method: 'GET', url: server.url, what: 'read' }, options(waits))).status).toBe(200);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(18_000);
    expect(waits[0]).toBeLessThanOrEqual(21_000);
  });

  it("retries GitHub's secondary limit (403 with Retry-After) but hands back a plain 403 at once", async () => {
    const limited = await serve('127.0.0.1', [status(403, { 'retry-after': '3' }), ok]);
    const waits: number[] = [];
    expect((await send({ method: 'GET', url: limited.url, what: 'read' }, options(waits))).status).toBe(200);
    expect(waits).toEqual([3000]);

    const refused = await serve('127.0.0.1', [status(403), ok]);
    const none: number[] = [];
    expect((await send({ method: 'GET', url: refused.url, what: 'read' }, options(none))).status).toBe(403);
    expect(none).toEqual([]);
    expect(refused.seen).toHaveLength(1);
  });

  it('hands back the last retryable answer when the attempts run out, and takes no wait beyond the budget', async () => {
    const server = await serve('127.0.0.1', [status(503)]);
    const waits: number[] = [];
    const response = await send({ method: 'GET', url: server.url, what: 'read' }, options(waits, { retry: { attempts: 3, baseMs: 100 } }));
    expect(response.status).toBe(503);
    expect(server.seen).toHaveLength(3);

    const patient = await serve('127.0.0.1', [status(429, { 'retry-after': '600' }), ok]);
    const budget: number[] = [];
    const limited = await send({ method: 'GET', url: patient.url, what: 'read' }, options(budget, { retry: { budgetMs: 60_000 } }));
    expect(limited.status).toBe(429);
    expect(budget).toEqual([]);
  });

  it("fails an unreachable server after the retries with the caller's code and hint, exit 3, and no credentials", async () => {
    const server = await serve('127.0.0.1', [ok]);
    const url = server.url;
    await new Promise((resolve) => (servers.pop() as http.Server).close(resolve));
    const waits: number[] = [];
    const error = await send({ method: 'GET', url: `${url}/v1?x=1`, headers: { authorization: 'Bearer s3cret-token' }, what: 'read the thing' }, options(waits, { retry: { attempts: 3 } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelciError);
    const failure = error as ModelciError;
    expect(failure.code).toBe('thing-unreachable');
    expect(failure.hint).toBe('Start the thing.');
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toContain('Could not read the thing');
    expect(failure.message).toContain('ECONNREFUSED');
    expect(JSON.stringify(failure.toJSON())).not.toContain('s3cret-token');
    expect(waits).toHaveLength(2);
  });

  it('times out a silent server per try and retries it', async () => {
    const silent: Handler = () => undefined;
    const server = await serve('127.0.0.1', [silent, ok]);
    const waits: number[] = [];
    const response = await send({ method: 'GET', url: server.url, what: 'read' }, options(waits, { timeoutMs: 200 }));
    expect(response.status).toBe(200);
    expect(server.seen).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });

  it('follows redirects: credentials stay on the same origin and never go to another host', async () => {
    const storage = await serve('127.0.0.2', [ok]);
    const redirect: Handler = (_request, response) => response.writeHead(307, { location: `${storage.url}/bucket/object?sig=abc` }).end();
    const hop: Handler = (_request, response) => response.writeHead(302, { location: '/second' }).end();
    const origin = await serve('127.0.0.1', [hop, redirect]);
    const headers = { authorization: 'Bearer s3cret', 'private-token': 'glpat-x', 'x-api-key': 'k', accept: 'application/json' };
    const response = await send({ method: 'GET', url: `${origin.url}/first`, headers, what: 'read' }, options([], { redirects: 3, credentialHeaders: ['X-Api-Key'] }));
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${storage.url}/bucket/object?sig=abc`);
    expect(origin.seen.map((request) => [request.url, request.headers.authorization])).toEqual([['/first', 'Bearer s3cret'], ['/second', 'Bearer s3cret']]);
    const atStorage = storage.seen[0]?.headers ?? {};
    expect(atStorage.authorization).toBeUndefined();
    expect(atStorage['private-token']).toBeUndefined();
    expect(atStorage['x-api-key']).toBeUndefined();
    expect(atStorage.accept).toBe('application/json');
  });

  it('hands redirects back when asked to follow none, and turns a 303 after a POST into a GET', async () => {
    const target = await serve('127.0.0.1', [ok]);
    const seeOther: Handler = (_request, response) => response.writeHead(303, { location: `${target.url}/done` }).end();
    const origin = await serve('127.0.0.1', [seeOther, seeOther]);
    const manual = await send({ method: 'POST', url: origin.url, body: 'x', what: 'post' }, options([]));
    expect(manual.status).toBe(303);
    await manual.drain();
    const followed = await send({ method: 'POST', url: origin.url, body: 'x', headers: { 'content-type': 'text/plain' }, what: 'post' }, options([], { redirects: 1 }));
    expect(followed.status).toBe(200);
    expect(target.seen[0]).toMatchObject({ method: 'GET', url: '/done', body: '' });
  });

  it('stops waiting at once when the signal aborts, with the abort reason', async () => {
    const server = await serve('127.0.0.1', [status(503, { 'retry-after': '3600' })]);
    const controller = new AbortController();
    let sleeping: (ms: number) => void = () => undefined;
    const asleep = new Promise<number>((resolve) => (sleeping = resolve));
    const pending = send({ method: 'GET', url: server.url, what: 'read' }, {
      unreachable: { code: 'x', hint: 'y' },
      retry: { budgetMs: 7_200_000 },
      signal: controller.signal,
      sleep: (ms, signal) => {
        sleeping(ms);
        return sleep(ms, signal);
      },
    });
    expect(await asleep).toBe(3_600_000);
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toThrow('job cancelled');
    expect(server.seen).toHaveLength(1);
  });

  it('fails an exchange aborted mid-request with the abort reason, not as unreachable', async () => {
    const controller = new AbortController();
    const silent: Handler = () => controller.abort(new Error('job cancelled'));
    const server = await serve('127.0.0.1', [silent]);
    await expect(send({ method: 'GET', url: server.url, what: 'read' }, options([], { signal: controller.signal }))).rejects.toThrow('job cancelled');
  });
});
