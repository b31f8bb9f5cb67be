import { environmentError } from '../errors.js';
import { errorText } from '../http/error-text.js';
import { send, type HttpRequest, type HttpResponse, type RegistrySendOptions } from './http.js';

export interface OciCredentials {
  username?: string;
  password?: string;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (RFC 7235 auth-params). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const match = /^\s*(\w+)\s*(.*)$/.exec(header);
  const params: Record<string, string> = {};
  if (!match) return { scheme: '', params };
  for (const part of (match[2] ?? '').matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[(part[1] ?? '').toLowerCase()] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { scheme: (match[1] ?? '').toLowerCase(), params };
}

/**
 * Talks to one OCI distribution registry. Handles the auth dance: anonymous first, then Basic,
 * or the Bearer challenge (fetch a token from the realm for the scope the registry named, as
 * GHCR, Docker Hub and GitLab do). Credentials live only in headers, never in URLs or errors.
 */
export class OciClient {
  private authorization: string | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(
    readonly base: string,
    private readonly credentials: OciCredentials,
    private readonly signal?: AbortSignal,
  ) {}

  private basic(): string | undefined {
    const { username, password } = this.credentials;
    if (username === undefined && password === undefined) return undefined;
    return `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
  }

  url(path: string): string {
    return new URL(path, this.base).toString();
  }

  /** Sends with auth; on 401 answers the challenge once and resends. Stream bodies must be factories. */
  async request(request: HttpRequest, options: Omit<RegistrySendOptions, 'signal'> = {}): Promise<HttpResponse> {
    const withAuth = (): HttpRequest => ({ ...request, headers: { ...request.headers, ...(this.authorization ? { authorization: this.authorization } : {}) } });
    const sendOptions = { ...options, signal: this.signal };
    let response = await send(withAuth(), sendOptions);
    if (response.status !== 401) return response;
    const challenge = String(response.headers['www-authenticate'] ?? '');
    await response.drain();
    await this.answer(challenge, request.what);
    response = await send(withAuth(), sendOptions);
    if (response.status === 401) {
      await response.drain();
      throw this.authError(request.what, 'the registry refused the credentials');
    }
    return response;
  }

  /** The Authorization header for `url`: only ever for the registry itself, never another host (storage redirects). */
  authorizationFor(url: string): { authorization?: string } {
    return this.authorization && new URL(url).origin === new URL(this.base).origin ? { authorization: this.authorization } : {};
  }

  /** Answers a 401's `WWW-Authenticate`: a token from the Bearer realm, or Basic credentials. */
  async answer(wwwAuthenticate: string, what: string): Promise<void> {
    const challenge = parseChallenge(wwwAuthenticate);
    if (challenge.scheme === 'bearer' && challenge.params.realm) {
      this.authorization = `Bearer ${await this.fetchToken(challenge.params)}`;
    } else if (challenge.scheme === 'basic' && this.basic()) {
      this.authorization = this.basic();
    } else {
      throw this.authError(what, 'the registry wants credentials');
    }
  }

  authError(what: string, reason: string): Error {
    return environmentError(`Could not ${what}: ${reason} (HTTP 401).`, {
      code: 'registry-auth',
      hint: 'Pass --username and --password (or --token), or set MODELCI_REGISTRY_USERNAME / MODELCI_REGISTRY_PASSWORD / MODELCI_REGISTRY_TOKEN; the token needs push and pull rights on the repository.',
    });
  }

  private async fetchToken(params: Record<string, string>): Promise<string> {
    const key = `${params.realm} ${params.service ?? ''} ${params.scope ?? ''}`;
    const known = this.tokens.get(key);
    if (known) return known;
    const url = new URL(params.realm as string);
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) for (const scope of params.scope.split(' ')) url.searchParams.append('scope', scope);
    const basic = this.basic();
    const response = await send({ method: 'GET', url: url.toString(), headers: basic ? { authorization: basic } : {}, what: `get a registry token from ${url.host}` }, { signal: this.signal });
    if (response.status !== 200) throw this.authError(`get a registry token from ${url.host}`, `the token service answered ${response.status} ${await errorText(response)}`);
    const body = await response.json<{ token?: string; access_token?: string }>();
    const token = body.token ?? body.access_token;
    if (!token) throw this.authError(`get a registry token from ${url.host}`, 'the token service sent no token');
    this.tokens.set(key, token);
    return token;
  }

  /** Throws a typed error naming what failed, with the registry's own error text. */
  async fail(response: HttpResponse, what: string): Promise<never> {
    const text = await errorText(response);
    throw environmentError(`Could not ${what}: HTTP ${response.status} ${text}`, {
      code: 'registry-error',
      hint: response.status === 403 ? 'The credentials lack permission on this repository.' : 'See the registry error above.',
    });
  }
}
