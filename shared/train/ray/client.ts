import { createReadStream } from 'node:fs';
import { environmentError, usageError } from '../../errors.js';
import { send, type HttpRequest, type HttpResponse } from '../../http/client.js';
import type { RetryPolicy } from '../../http/retry-policy.js';
import { sleep } from '../../http/sleep.js';

const AGENT_WAIT_MS = 2000;
const AGENT_BUDGET_MS = 60_000;

const RAY_UNREACHABLE_HINT =
  'Check that ray-address is the dashboard (port 8265 by default) and that it is reachable from this job; the request was retried.';

export type RayJobStatus = 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['STOPPED', 'SUCCEEDED', 'FAILED']);

export interface RayVersion {
  version: string;
  ray_version: string;
  ray_commit?: string;
  session_name?: string;
}

/** The fields of Ray's JobDetails that modelci reads. */
export interface RayJob {
  submission_id: string | null;
  job_id: string | null;
  status: RayJobStatus;
  message?: string | null;
  error_type?: string | null;
  driver_exit_code?: number | null;
  entrypoint?: string;
  metadata?: Record<string, string> | null;
}

export interface RaySubmission {
  submission_id: string;
  entrypoint: string;
  runtime_env?: Record<string, unknown>;
  metadata?: Record<string, string>;
  entrypoint_num_cpus?: number;
  entrypoint_num_gpus?: number;
  entrypoint_memory?: number;
}

export interface RayClientOptions {
  base: string;
  token?: string;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
}

/** Ray answers errors with a Python traceback; its last line says what went wrong. */
async function rayErrorText(response: HttpResponse): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return (lines.at(-1) ?? `HTTP ${response.status}`).slice(0, 400);
}

/**
 * Ray's Job Submission REST API (the dashboard, port 8265), over the one HTTP client. Only what
 * the train step needs: version, submit, status, logs, stop, and the package store.
 */
export class RayClient {
  constructor(private readonly options: RayClientOptions) {}

  private async exchange(request: Omit<HttpRequest, 'url'> & { path: string }, signal = this.options.signal): Promise<HttpResponse> {
    const { path, ...rest } = request;
    const headers: Record<string, string> = { accept: 'application/json', ...rest.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const response = await send(
      { ...rest, url: `${this.options.base}${path}`, headers },
      { unreachable: { code: 'ray-unreachable', hint: RAY_UNREACHABLE_HINT }, ...(signal ? { signal } : {}), ...(this.options.retry ? { retry: this.options.retry } : {}), ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}) },
    );
    if (response.status === 401 || response.status === 403) {
      const why = await rayErrorText(response);
      throw usageError(`Ray refused to ${request.what} (HTTP ${response.status}: ${why}).`, {
        code: 'ray-auth-refused',
        hint: this.options.token ? 'The ray-token does not match the cluster\'s RAY_AUTH_TOKEN; update the secret.' : 'The cluster has token auth on: pass its token as the ray-token secret.',
      });
    }
    return response;
  }

  private async expectOk(response: HttpResponse, what: string): Promise<void> {
    if (response.status >= 200 && response.status < 300) return;
    const why = await rayErrorText(response);
    throw environmentError(`Ray could not ${what} (HTTP ${response.status}: ${why}).`, { code: 'ray-api-error', hint: 'See the dashboard logs of the cluster (dashboard.log, job_manager logs) for the cause.' });
  }

  async version(): Promise<RayVersion> {
    const what = `read the Ray version at ${this.options.base}`;
    const response = await this.exchange({ method: 'GET', path: '/api/version', what });
    await this.expectOk(response, what);
    return response.json<RayVersion>();
  }

  /** The job, or undefined when the cluster has none by that id. */
  async job(id: string, signal?: AbortSignal): Promise<RayJob | undefined> {
    const what = `read Ray job ${id}`;
    const response = await this.exchange({ method: 'GET', path: `/api/jobs/${encodeURIComponent(id)}`, what }, signal);
    if (response.status === 404) {
      await response.drain();
      return undefined;
    }
    await this.expectOk(response, what);
    return response.json<RayJob>();
  }

  /** Submits; `undefined` when a job with this submission id already exists (a re-run attaches to it). */
  async submit(submission: RaySubmission): Promise<{ job_id: string; submission_id: string } | undefined> {
    const what = `submit Ray job ${submission.submission_id}`;
    // A head whose job agent is (re)starting answers "No available agent ... try again later".
    for (let waited = 0; ; waited += AGENT_WAIT_MS) {
      const response = await this.exchange({ method: 'POST', path: '/api/jobs/', what, headers: { 'content-type': 'application/json' }, body: JSON.stringify(submission) });
      if (response.status < 400) {
        await this.expectOk(response, what);
        return response.json<{ job_id: string; submission_id: string }>();
      }
      const why = await rayErrorText(response);
      if (/already exists/i.test(why)) return undefined;
      if (response.status === 500 && /try again later/i.test(why) && waited < AGENT_BUDGET_MS) {
        await sleep(AGENT_WAIT_MS, this.options.signal);
        continue;
      }
      throw environmentError(`Ray could not ${what} (HTTP ${response.status}: ${why}).`, { code: 'ray-api-error', hint: 'Check the runtime_env (pip, working-dir) and the resources asked for (num-cpus, num-gpus, memory).' });
    }
  }

  /** The job's whole driver log so far. */
  async logs(id: string, signal?: AbortSignal): Promise<string> {
    const what = `read the logs of Ray job ${id}`;
    const response = await this.exchange({ method: 'GET', path: `/api/jobs/${encodeURIComponent(id)}/logs`, what }, signal);
    await this.expectOk(response, what);
    return (await response.json<{ logs?: string }>()).logs ?? '';
  }

  async stop(id: string, signal?: AbortSignal): Promise<boolean> {
    const what = `stop Ray job ${id}`;
    const response = await this.exchange({ method: 'POST', path: `/api/jobs/${encodeURIComponent(id)}/stop`, what }, signal);
    await this.expectOk(response, what);
    return Boolean((await response.json<{ stopped?: boolean }>()).stopped);
  }

  /** Whether the cluster holds the package `gcs://<name>` (Ray pins it for a while when it does). */
  async hasPackage(uri: string): Promise<boolean> {
    const what = `look up package ${uri}`;
    const response = await this.exchange({ method: 'GET', path: packagePath(uri), what });
    if (response.status === 404) {
      await response.drain();
      return false;
    }
    await this.expectOk(response, what);
    await response.drain();
    return true;
  }

  /** Streams the zip at `file` (`bytes` long) to the cluster's package store. */
  async uploadPackage(uri: string, file: string, bytes: number): Promise<void> {
    const what = `upload package ${uri}`;
    const response = await this.exchange({ method: 'PUT', path: packagePath(uri), what, headers: { 'content-type': 'application/octet-stream' }, body: () => createReadStream(file), length: bytes });
    await this.expectOk(response, what);
    await response.drain();
  }
}

/** `gcs://_ray_pkg_x.zip` -> `/api/packages/gcs/_ray_pkg_x.zip`. */
export function packagePath(uri: string): string {
  const match = /^([a-z0-9]+):\/\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not a package URI: ${uri}`);
  return `/api/packages/${match[1]}/${encodeURIComponent(match[2] as string)}`;
}
