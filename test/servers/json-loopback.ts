import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonAnswer = { status: number; body?: unknown; headers?: Record<string, string> };
export type JsonRoute = (method: string, path: string, query: URLSearchParams, body: unknown, headers: http.IncomingHttpHeaders) => JsonAnswer;

/** A loopback HTTP server speaking JSON, for the fake APIs: the route decides every answer. */
export async function listenJson(route: JsonRoute): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let reply: JsonAnswer;
      try {
        reply = route(request.method ?? 'GET', url.pathname, url.searchParams, text ? (JSON.parse(text) as unknown) : undefined, request.headers);
      } catch (error) {
        // A fake's own bug answers 500 at once, instead of leaving the client waiting.
        reply = { status: 500, body: { message: `fake server failed: ${String(error)}` } };
      }
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
