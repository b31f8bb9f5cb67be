import { send as httpSend, type HttpRequest, type HttpResponse, type Unreachable } from '../http/client.js';

export type { HttpRequest, HttpResponse } from '../http/client.js';

const REGISTRY_UNREACHABLE: Unreachable = {
  code: 'registry-unreachable',
  hint: 'Check that the registry is running and reachable from this job; the request was retried.',
};

export interface RegistrySendOptions {
  signal?: AbortSignal;
  /** Tries for network errors and 429/502/503/504; 1 when the caller restarts the whole transfer itself. */
  attempts?: number;
  /** Redirects to follow (blob storage); credentials stay with the registry. */
  redirects?: number;
}

/** One exchange with a registry server over the shared HTTP client, failing as "registry unreachable". */
export function send(request: HttpRequest, options: RegistrySendOptions = {}): Promise<HttpResponse> {
  return httpSend(request, {
    unreachable: REGISTRY_UNREACHABLE,
    signal: options.signal,
    redirects: options.redirects,
    ...(options.attempts !== undefined ? { retry: { attempts: options.attempts } } : {}),
  });
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
