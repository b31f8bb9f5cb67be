import { environmentError, ModelciError } from '../../errors.js';
import { sleep as abortableSleep } from '../../http/sleep.js';
import { TERMINAL_STATUSES, type RayClient, type RayJob } from './client.js';

export interface WaitOptions {
  client: RayClient;
  submissionId: string;
  /** Seconds from the start of waiting after which the job is stopped and the step fails. */
  timeoutSeconds?: number;
  /** Aborted on SIGTERM/SIGINT (a cancelled CI job): the job is stopped on the cluster. */
  signal: AbortSignal;
  /** Each new line of the job's log. */
  onLine(line: string): void;
  /** Between polls of status and logs. */
  pollMs?: number;
  /** How long the cluster may stay unreachable (each poll already retried) before exit 3. */
  connectionBudgetMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WaitResult {
  job: RayJob;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  tail: string[];
}

const TAIL = 40;

/** Splits a growing log into whole new lines; the last partial line waits for the next read. */
class LogFollower {
  private offset = 0;
  readonly tail: string[] = [];
  constructor(private readonly onLine: (line: string) => void) {}

  feed(text: string, final = false): void {
    // A shorter log than before means Ray rotated or restarted it: read it from its start.
    if (text.length < this.offset) this.offset = 0;
    const fresh = text.slice(this.offset);
    const cut = final ? fresh.length : fresh.lastIndexOf('\n') + 1;
    if (cut <= 0) return;
    this.offset += cut;
    for (const line of fresh.slice(0, cut).replace(/\n$/, '').split('\n')) {
      this.onLine(line);
      this.tail.push(line);
      if (this.tail.length > TAIL) this.tail.shift();
    }
  }
}

/**
 * Follows a submitted job to its end. Only the status from GET /api/jobs/{id} decides how it ended:
 * the log can end (a preempted node, a dropped connection) while the job still runs.
 */
export async function waitForJob(options: WaitOptions): Promise<WaitResult> {
  const { client, submissionId, signal } = options;
  const pollMs = options.pollMs ?? 1000;
  const budgetMs = options.connectionBudgetMs ?? 120_000;
  const wait = options.sleep ?? abortableSleep;
  const follower = new LogFollower(options.onLine);
  const started = performance.now();
  let lostSince: number | undefined;
  let timedOut = false;
  let aborted = false;

  const stopAndSettle = async (): Promise<RayJob | undefined> => {
    // A fresh signal: the step's own is already aborted when the CI job is being cancelled.
    const settle = AbortSignal.timeout(30_000);
    try {
      await client.stop(submissionId, settle);
      for (;;) {
        const job = await client.job(submissionId, settle);
        if (!job || TERMINAL_STATUSES.has(job.status)) return job;
        await abortableSleep(500, settle);
      }
    } catch {
      return undefined;
    }
  };

  for (;;) {
    let job: RayJob | undefined;
    try {
      job = await client.job(submissionId, signal);
      follower.feed(await client.logs(submissionId, signal), job !== undefined && TERMINAL_STATUSES.has(job.status));
      lostSince = undefined;
    } catch (error) {
      if (signal.aborted) aborted = true;
      else if (error instanceof ModelciError && error.code === 'ray-unreachable') {
        lostSince ??= performance.now();
        if (performance.now() - lostSince > budgetMs) {
          throw environmentError(`Lost the Ray cluster while job ${submissionId} was running: no answer for ${Math.round((performance.now() - lostSince) / 1000)} s.`, {
            code: 'ray-connection-lost',
            hint: 'The job may still run on the cluster; re-run this CI job to attach to it (the submission id is the same), or stop it from the dashboard.',
            cause: error,
          });
        }
      } else throw error;
    }
    if (job === undefined && !aborted && lostSince === undefined) {
      throw environmentError(`Ray job ${submissionId} disappeared from the cluster.`, { code: 'ray-api-error', hint: 'It was deleted, or the head node restarted without its GCS state.' });
    }
    if (job && TERMINAL_STATUSES.has(job.status)) {
      return { job, timedOut, aborted, durationMs: Math.round(performance.now() - started), tail: follower.tail };
    }
    if (!aborted && options.timeoutSeconds !== undefined && performance.now() - started > options.timeoutSeconds * 1000) timedOut = true;
    if (aborted || timedOut) {
      const stopped = await stopAndSettle();
      if (stopped) follower.feed(await client.logs(submissionId, AbortSignal.timeout(10_000)).catch(() => ''), true);
      return { job: stopped ?? job ?? { submission_id: submissionId, job_id: null, status: 'STOPPED' }, timedOut, aborted, durationMs: Math.round(performance.now() - started), tail: follower.tail };
    }
    try {
      await wait(pollMs, signal);
    } catch {
      aborted = true;
    }
  }
}
