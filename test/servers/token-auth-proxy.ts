import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenAuthProxy {
  /** `127.0.0.1:PORT`: use this as the registry host. */
  host: string;
  /** Every token request the realm saw: the scopes asked for and the Basic user. */
  tokenRequests: { scope: string[]; service: string | null; user: string | undefined }[];
  stop(): Promise<void>;
}

/**
 * The bearer-token flow GHCR and Docker Hub use, in front of a real docker-registry: /v2/ answers
 * 401 with `WWW-Authenticate: Bearer realm=...,service=...,scope=...`; the realm trades Basic
 * credentials for a token; requests with that token are passed through to the registry with the
 * Host header kept, so the upload Locations it builds point back at this proxy.
 */
export async function startTokenAuthProxy(upstream: string, credentials: { user: string; password: string }): Promise<TokenAuthProxy> {
  const token = `tkn-${Math.random().toString(36).slice(2)}`;
  const tokenRequests: TokenAuthProxy['tokenRequests'] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://proxy');
    if (url.pathname === '/token') {
      const header = request.headers.authorization ?? '';
      const [user, password] = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString().split(':');
      tokenRequests.push({ scope: url.searchParams.getAll('scope'), service: url.searchParams.get('service'), user });
      if (user !== credentials.user || password !== credentials.password) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      const repository = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//.exec(url.pathname)?.[1];
      const scope = repository ? `,scope="repository:${repository}:pull,push"` : '';
      request.resume();
      response.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer realm="http://${request.headers.host}/token",service="modelci-test"${scope}`,
      }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    tokenRequests,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
