import { isAbsolute, join, relative, resolve } from 'node:path';
import { usageError } from '../../errors.js';
import { isInside } from '../../files/paths.js';
import type { RunInfo } from '../../platform/types.js';
import { TOOL_VERSION } from '../../version.js';
import type { CommandResult, Shell } from '../command.js';
import { isSecretName } from '../env.js';
import { rayEndpoint } from './address.js';
import { RayClient, type RayJobStatus, type RaySubmission } from './client.js';
import { collectorEntrypoint, collectorEnv, RESULTS_UPLOAD_FAILED } from './collector.js';
import { isRemoteWorkingDir, packageWorkingDir } from './package.js';
import { downloadResults } from './results.js';
import { checkResultsUri, openResultsStore, type ResultsStore } from './results-store.js';
import { submissionId } from './submission-id.js';
import { olderThan, RAY_SAFE_VERSION } from './version-advice.js';
import { waitForJob } from './wait.js';

/** What the evidence records of a Ray run. */
export interface RayRunInfo {
  submissionId: string;
  jobId: string | null;
  address: string;
  rayVersion: string;
  status: RayJobStatus;
}

export interface RayInputs {
  command: string;
  shell: Shell;
  timeout?: number | undefined;
  rayAddress?: string | undefined;
  rayToken?: string | undefined;
  rayAllowInsecure: boolean;
  resultsUri?: string | undefined;
  resultsEndpoint?: string | undefined;
  workingDir?: string | undefined;
  excludes: string[];
  pip: string[];
  numCpus?: number | undefined;
  numGpus?: number | undefined;
  memory?: number | undefined;
}

export interface RayRunContext {
  /** The train step's working directory; outputs are relative to it. */
  workdir: string;
  outDir: string;
  env: NodeJS.ProcessEnv;
  /** The `env` entries and MODELCI_PARAMS the command gets. */
  commandEnv: Record<string, string>;
  /** Output and metrics paths relative to `workdir`, collected from the job. */
  collect: string[];
  cacheKey: string;
  run: RunInfo;
  signal: AbortSignal;
  info(line: string): void;
  warning(line: string): void;
  mask(secret: string): void;
  /** Test seams: the wait between polls and the connection-loss budget. */
  pollMs?: number;
  connectionBudgetMs?: number;
}

export type RayRunResult = CommandResult & { ray: RayRunInfo; attached: boolean };

/**
 * MODELCI_RAY_CONNECTION_BUDGET_S: how long the cluster may stay unreachable before the step gives
 * up (default 120 s). A whole number of seconds; anything else is refused, not guessed.
 */
export function rayConnectionBudget(env: NodeJS.ProcessEnv): { connectionBudgetMs?: number } {
  const raw = env.MODELCI_RAY_CONNECTION_BUDGET_S;
  if (raw === undefined || raw === '') return {};
  if (!/^\d+$/.test(raw.trim())) throw usageError(`MODELCI_RAY_CONNECTION_BUDGET_S must be a whole number of seconds, not '${raw}'.`, { code: 'input-invalid' });
  return { connectionBudgetMs: Number(raw.trim()) * 1000 };
}

/** Checks the address (before any connection) and the inputs a Ray run needs; exit 2 on a mistake. */
export function checkRayInputs(input: RayInputs, env: NodeJS.ProcessEnv): void {
  if (!input.rayAddress) throw usageError('backend: ray needs ray-address.', { code: 'ray-address-missing', hint: 'Set ray-address to the dashboard, e.g. https://ray.example.com:8265.' });
  rayEndpoint(input.rayAddress, input.rayToken, input.rayAllowInsecure);
  rayConnectionBudget(env);
  checkResultsUri(input, env);
}

function runtimeEnv(input: RayInputs, ctx: RayRunContext, workingDir: string, subdir: string, results: ResultsStore | undefined): Record<string, unknown> {
  const envVars: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.commandEnv)) {
    // Job info shows runtime_env to anyone who can read the dashboard.
    if (isSecretName(name)) ctx.warning(`train: env ${name} looks secret and is not passed to the Ray job (runtime_env is visible in job info); give the cluster its own secret.`);
    else envVars[name] = value;
  }
  Object.assign(envVars, collectorEnv(input.command, input.shell, ctx.collect, results?.collectorEnv ?? {}, subdir));
  return { working_dir: workingDir, ...(input.pip.length ? { pip: input.pip } : {}), env_vars: envVars };
}

/** Ships the working directory unless the cluster has it: Ray names packages by content. */
async function workingDirUri(input: RayInputs, ctx: RayRunContext, client: RayClient): Promise<{ uri: string; subdir: string }> {
  if (input.workingDir && isRemoteWorkingDir(input.workingDir)) return { uri: input.workingDir, subdir: '' };
  const root = input.workingDir ? resolve(ctx.workdir, input.workingDir) : ctx.workdir;
  if (!isInside(root, ctx.workdir) && root !== ctx.workdir) {
    throw usageError(`working-dir '${input.workingDir}' does not contain the train working directory.`, { code: 'ray-working-dir-invalid', hint: 'Give the project folder (or a parent of it); outputs are relative to the working directory.' });
  }
  const pkg = await packageWorkingDir(root, { excludes: input.excludes, skip: [ctx.outDir], scratchDir: join(ctx.outDir, 'ray') });
  if (await client.hasPackage(pkg.uri)) ctx.info(`train: the cluster already has ${pkg.uri} (${pkg.files.length} files); not uploading it.`);
  else {
    ctx.info(`train: uploading ${pkg.uri} (${pkg.files.length} files, ${(pkg.zipBytes / 1024).toFixed(0)} KiB).`);
    await client.uploadPackage(pkg.uri, pkg.zipPath, pkg.zipBytes);
  }
  const subdir = relative(root, ctx.workdir);
  return { uri: pkg.uri, subdir: isAbsolute(subdir) ? '' : subdir.split('\\').join('/') };
}

/**
 * Runs the training as a Ray job: submits it (or attaches to the job this CI run already
 * submitted), follows its status and log, stops it on timeout or cancel, and brings its results
 * back into the working directory, where the step digests them as after a local run.
 */
export async function runOnRay(input: RayInputs, ctx: RayRunContext): Promise<RayRunResult> {
  checkRayInputs(input, ctx.env);
  const endpoint = rayEndpoint(input.rayAddress as string, input.rayToken, input.rayAllowInsecure);
  const client = new RayClient({ base: endpoint.base, ...(input.rayToken ? { token: input.rayToken } : {}), signal: ctx.signal });
  const { ray_version: rayVersion } = await client.version();
  if (olderThan(rayVersion, RAY_SAFE_VERSION)) {
    ctx.warning(`train: the cluster runs Ray ${rayVersion}; releases before ${RAY_SAFE_VERSION} have advisories about unauthenticated dashboard endpoints. Upgrade it and turn on token auth (RAY_AUTH_MODE=token).`);
  }
  const { id, deterministic } = submissionId(ctx.run, 'train', ctx.cacheKey);
  const results = openResultsStore(input, ctx.env, id, ctx.signal, ctx.mask);

  let attached = deterministic && (await client.job(id)) !== undefined;
  if (attached) ctx.info(`train: attaching to Ray job ${id}, which this CI run submitted before.`);
  else {
    const { uri, subdir } = await workingDirUri(input, ctx, client);
    const submission: RaySubmission = {
      submission_id: id,
      entrypoint: collectorEntrypoint(),
      runtime_env: runtimeEnv(input, ctx, uri, subdir, results),
      metadata: { 'modelci.version': TOOL_VERSION, 'modelci.step': 'train', ...(ctx.run.repository ? { 'modelci.repository': ctx.run.repository } : {}), ...(ctx.run.url ? { 'modelci.run': ctx.run.url } : {}) },
      ...(input.numCpus !== undefined ? { entrypoint_num_cpus: input.numCpus } : {}),
      ...(input.numGpus !== undefined ? { entrypoint_num_gpus: input.numGpus } : {}),
      ...(input.memory !== undefined ? { entrypoint_memory: input.memory } : {}),
    };
    const submitted = await client.submit(submission);
    attached = submitted === undefined;
    ctx.info(attached ? `train: Ray job ${id} was submitted meanwhile; attaching to it.` : `train: submitted Ray job ${id} to ${endpoint.base} (Ray ${rayVersion}).`);
  }

  const waited = await waitForJob({
    client,
    submissionId: id,
    signal: ctx.signal,
    onLine: (line) => ctx.info(`[ray ${id.slice(-8)}] ${line}`),
    ...(input.timeout !== undefined ? { timeoutSeconds: input.timeout } : {}),
    ...(ctx.pollMs !== undefined ? { pollMs: ctx.pollMs } : {}),
    ...(ctx.connectionBudgetMs !== undefined ? { connectionBudgetMs: ctx.connectionBudgetMs } : {}),
  });
  const { job } = waited;
  const ray: RayRunInfo = { submissionId: id, jobId: job.job_id ?? null, address: endpoint.base, rayVersion, status: job.status };
  const exitCode = job.status === 'SUCCEEDED' ? 0 : job.status === 'FAILED' ? (job.driver_exit_code ?? 1) : null;
  const tail = [...waited.tail];
  if (job.status === 'FAILED' && job.message) tail.push(job.message);
  if (exitCode === RESULTS_UPLOAD_FAILED) tail.push('The command succeeded, but its results could not be uploaded (see above).');
  const result: RayRunResult = { exitCode, signal: job.status === 'STOPPED' ? 'SIGTERM' : null, timedOut: waited.timedOut, aborted: waited.aborted, durationMs: waited.durationMs, tail, ray, attached };
  if (exitCode === 0 && results) {
    const manifest = await downloadResults(results.source, ctx.workdir);
    ctx.info(`train: collected ${manifest.files.length} result file(s) from ${results.source.shown}.`);
  }
  return result;
}
