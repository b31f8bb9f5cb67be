import { usageError } from '../../errors.js';
import { isLoopback } from '../../http/error-text.js';

export interface RayEndpoint {
  /** The dashboard's base URL without a trailing slash, e.g. `https://ray.example.com:8265`. */
  base: string;
  loopback: boolean;
}

/**
 * The cluster address, judged before any connection: a job's code and the results token travel
 * to it, so a plain-HTTP or tokenless address off this machine is refused unless the user says
 * `ray-allow-insecure`.
 */
export function rayEndpoint(address: string, token: string | undefined, allowInsecure: boolean): RayEndpoint {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw usageError(`ray-address '${address}' is not a URL.`, { code: 'ray-address-invalid', hint: 'Write the dashboard address, e.g. https://ray.example.com:8265.' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`ray-address '${address}' must start with http:// or https://.`, { code: 'ray-address-invalid', hint: 'Give the dashboard (Job Submission API) address, e.g. https://ray.example.com:8265, not ray://.' });
  }
  if (url.username || url.password) {
    throw usageError(`ray-address '${url.host}' carries credentials in the URL.`, { code: 'ray-address-invalid', hint: 'Pass the token as the ray-token secret instead.' });
  }
  const loopback = isLoopback(url.hostname);
  if (!loopback && !allowInsecure) {
    if (url.protocol === 'http:') {
      throw usageError(`ray-address '${url.origin}' is plain HTTP to another machine: the job's code and the token would travel unencrypted.`, {
        code: 'ray-insecure-address',
        hint: 'Use https:// (a TLS proxy in front of the dashboard), or set ray-allow-insecure: true for a private network you trust.',
      });
    }
    if (!token) {
      throw usageError(`ray-address '${url.origin}' is another machine and no ray-token is set: an unauthenticated cluster runs whatever anyone submits.`, {
        code: 'ray-insecure-address',
        hint: "Enable Ray's token auth (RAY_AUTH_MODE=token) and pass its token as the ray-token secret, or set ray-allow-insecure: true.",
      });
    }
  }
  return { base: url.origin + url.pathname.replace(/\/+$/, ''), loopback };
}
