import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type StorageMode = 'length' | 'chunked' | 'truncate';

export interface SeenRequest {
  path: string;
  authorization: string | undefined;
  connection?: string | undefined;
}

export interface RedirectFront {
  /** `127.0.0.1:PORT`: use this as the registry host. */
  host: string;
  /** How storage answers blob GETs from now on. */
  mode: StorageMode;
  /** Blob GETs the front saw. */
  blobRequests: SeenRequest[];
  /** GETs the storage host saw. */
  storageRequests: SeenRequest[];
  stop(): Promise<void>;
}

/**
 * What registries on object storage do, in front of a real docker-registry: blob GETs need Basic
 * credentials (401 challenge), then redirect (307) to a signed URL on another host (127.0.0.2),
 * which serves the bytes with Content-Length, chunked, or cut short. Everything else is passed
 * through to the registry, without credentials.
 */
export async function startRedirectFront(upstream: string, credentials: { user: string; password: string }): Promise<RedirectFront> {
  const basic = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  const listen = async (server: http.Server, host: string): Promise<number> => {
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return (server.address() as AddressInfo).port;
  };

  const storage = http.createServer((request, response) => {
    front.storageRequests.push({ path: request.url ?? '', authorization: request.headers.authorization, connection: request.headers.connection });
    const digest = /^\/bucket\/(sha256:[0-9a-f]{64})\?signature=/.exec(request.url ?? '')?.[1];
    if (!digest) return void response.writeHead(403).end();
    http.get(`http://${upstream}/v2/team/churn/blobs/${digest}`, (blob) => {
      const length = Number(blob.headers['content-length']);
      if (front.mode === 'chunked') {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        blob.pipe(response);
      } else if (front.mode === 'truncate') {
        response.writeHead(200, { 'content-length': length });
        let sent = 0;
        blob.on('data', (chunk: Buffer) => {
          const room = (length >> 1) - sent;
          if (room > 0) response.write(chunk.subarray(0, room));
          sent += chunk.length;
          if (sent >= length >> 1) response.destroy();
        });
      } else {
        response.writeHead(200, { 'content-length': length });
        blob.pipe(response);
      }
    });
  });
  const storagePort = await listen(storage, '127.0.0.2');

  const server = http.createServer((request, response) => {
    const blob = /^\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64})$/.exec(request.url ?? '');
    if (blob && request.method === 'GET') {
      front.blobRequests.push({ path: request.url ?? '', authorization: request.headers.authorization });
      if (request.headers.authorization !== basic) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="front"', 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      response.writeHead(307, { location: `http://127.0.0.2:${storagePort}/bucket/${blob[1]}?signature=s3cr3t`, 'content-length': 0 }).end();
      return;
    }
    const headers = { ...request.headers };
    delete headers.authorization;
    const forward = http.request(`http://${upstream}${request.url}`, { method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  const port = await listen(server, '127.0.0.1');

  const close = (each: http.Server): Promise<void> =>
    new Promise((resolve) => {
      each.closeAllConnections();
      each.close(() => resolve());
    });
  const front: RedirectFront = {
    host: `127.0.0.1:${port}`,
    mode: 'length',
    blobRequests: [],
    storageRequests: [],
    stop: async () => {
      await close(server);
      await close(storage);
    },
  };
  return front;
}
