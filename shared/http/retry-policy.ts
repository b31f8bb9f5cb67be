export interface RetryPolicy {
  /** Tries in all, the first one included. */
  attempts: number;
  /** The waits between tries add up to at most this; a wait that would pass it is not taken. */
  budgetMs: number;
  /** Ceiling of the first backoff; it doubles with each try up to `capMs`. */
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, budgetMs: 120_000, baseMs: 250, capMs: 10_000 };

export type HeaderBag = Record<string, string | string[] | undefined>;

/** Errors of the connection itself: nothing (or not all) came back, so the same request may be sent again. */
export const RETRY_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'ECONNABORTED']);

const RETRY_STATUS = new Set([429, 502, 503, 504]);

/**
 * "Full jitter": a uniform wait in [0, min(cap, base * 2^(attempt-1))). Clients that failed
 * together spread out instead of returning in step (AWS Architecture Blog, "Exponential Backoff
 * and Jitter"). `attempt` is the try that just failed, from 1.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The wait the server asked for, in ms: `Retry-After` as seconds or as an HTTP date, else the
 * rate-limit reset (`x-ratelimit-remaining: 0` with `x-ratelimit-reset` in epoch seconds, as
 * GitHub and GitLab send). Undefined when the server named no wait.
 */
export function serverWaitMs(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = header(headers, 'x-ratelimit-reset')?.trim();
  if (header(headers, 'x-ratelimit-remaining')?.trim() === '0' && reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

/**
 * Worth another try: 429, 502, 503, 504, and a 403 that is a rate limit rather than a refusal
 * (GitHub's primary limit says `x-ratelimit-remaining: 0`; its secondary limit sends Retry-After).
 */
export function retryableStatus(status: number, headers: HeaderBag): boolean {
  if (RETRY_STATUS.has(status)) return true;
  return status === 403 && (header(headers, 'x-ratelimit-remaining')?.trim() === '0' || header(headers, 'retry-after') !== undefined);
}
