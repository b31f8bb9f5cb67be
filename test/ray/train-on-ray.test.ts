import { spawn } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RayClient } from '../../shared/train/ray/client.js';
import type { RunInfo } from '../../shared/platform/types.js';
import { repoRoot } from '../helpers/python.js';
import type { StepOutcome } from '../../shared/runner/execute-step.js';
import { CiPlatform } from './helpers.js';
import type { FakePlatform} from '../train/helpers.js';
import { gitInit, makeContext, runTrainStep, tempDir, writeFiles } from '../train/helpers.js';
import type { RayCluster } from './cluster.js';

const provided = inject('ray');
const required = process.env.MODELCI_REQUIRE_REFERENCES === '1';
const cluster = 'address' in provided ? provided : undefined;
if (!cluster && required) throw new Error(`the Ray tests need their cluster: ${'unavailable' in provided ? provided.unavailable : ''}`);

/** The step's data as the evidence records it. */
function dataOf(outcome: StepOutcome): Record<string, unknown> {
  return (outcome.result?.data ?? {}) as Record<string, unknown>;
}

const churn = join(repoRoot, 'examples', 'churn');
const CHURN = { command: 'python3 train.py', params: 'params.json', deps: ['data/churn.csv', 'train.py'], metricsFiles: ['metrics.json'], outputs: ['model.json', 'predictions.csv'] };
let dirs: { path: string; cleanup(): Promise<void> }[] = [];

async function project(files?: Record<string, string>): Promise<string> {
  const dir = await tempDir('modelci-ray-');
  dirs.push(dir);
  if (files) await writeFiles(dir.path, files);
  else for (const name of ['train.py', 'params.json', 'data']) await cp(join(churn, name), join(dir.path, name), { recursive: true });
  return dir.path;
}

function rayInputs(c: RayCluster, extra: Record<string, unknown> = {}) {
  return { backend: 'ray', rayAddress: c.address, rayToken: c.token, resultsUri: `s3://${c.bucket}/runs`, resultsEndpoint: c.s3Endpoint, ...extra };
}

function runOn(c: RayCluster, cwd: string, raw: Record<string, unknown>, run: RunInfo = {}, signal?: AbortSignal) {
  const platform = new CiPlatform(run);
  const { ctx } = makeContext(cwd, { platform, env: c.aws, ...(signal ? { signal } : {}) });
  return { platform, result: runTrainStep(raw, ctx) };
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => dir.cleanup()));
  dirs = [];
});

describe.runIf(cluster)('train on Ray: the churn example as a Ray job', () => {
  const c = cluster as RayCluster;
  const client = new RayClient({ base: c.address, token: c.token });
  let local: Awaited<ReturnType<typeof runTrainStep>>;
  let remote: Awaited<ReturnType<typeof runTrainStep>>;
  let remotePlatform: FakePlatform;
  const run: RunInfo = { id: '4242', attempt: '1', repository: 'acme/churn', job: 'train/churn' };

  beforeAll(async () => {
    const localDir = await project();
    // The same platform as the Ray run's, so both upload their artifact alike.
    local = await runTrainStep({ ...CHURN }, makeContext(localDir, { platform: new CiPlatform({}) }).ctx);
    const dir = await project();
    gitInit(dir);
    // The job fails if .git reached the cluster.
    const started = runOn(c, dir, { ...CHURN, ...rayInputs(c), command: 'test ! -e .git && python3 train.py' }, run);
    remote = await started.result;
    remotePlatform = started.platform;
  });

  it('passes, with the job SUCCEEDED, and records what a local run records plus ray', async () => {
    expect(remote.status, remote.error?.message ?? remotePlatform.messages('error').join('\n')).toBe('passed');
    const data = dataOf(remote) as Record<string, unknown> & { ray: { status: string; submissionId: string; jobId: string; rayVersion: string; address: string } };
    expect(data.ray).toMatchObject({ status: 'SUCCEEDED', address: c.address, rayVersion: '2.60.0' });
    expect(data.ray.submissionId).toMatch(/^modelci-train-[0-9a-f]{20}$/);
    // Ray names a driver job only when the entrypoint calls ray.init(); train.py does not.
    expect(data.ray.jobId).toBeNull();
    const { ray: _ray, command: _command, durationMs: _d, code: _code, runtime: _runtime, cacheKey: _key, ...rest } = data;
    const { command: _lc, durationMs: _ld, code: _lcode, runtime: _lr, cacheKey: _lk, ...localRest } = dataOf(local) as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual([...Object.keys(dataOf(local)), 'ray'].sort());
    // The training is deterministic: the cluster's outputs are the local run's, byte for byte.
    expect(rest).toEqual(localRest);
    expect(remotePlatform.messages('info').some((line) => /^\[ray [0-9a-f]{8}\] /.test(line))).toBe(true);
  });

  it('a re-run of the same CI run attaches to the submission instead of submitting again', async () => {
    const dir = await project();
    gitInit(dir);
    const again = runOn(c, dir, { ...CHURN, ...rayInputs(c), command: 'test ! -e .git && python3 train.py', cache: false }, run);
    const result = await again.result;
    expect(result.status, result.error?.message).toBe('passed');
    expect((dataOf(result) as { ray: { submissionId: string } }).ray.submissionId).toBe((dataOf(remote) as { ray: { submissionId: string } }).ray.submissionId);
    expect(again.platform.messages('info').some((line) => line.includes('attaching to Ray job'))).toBe(true);
    expect(again.platform.messages('info').some((line) => line.includes('uploading'))).toBe(false);
  });

  it('another run of the same files submits anew but skips the package upload', async () => {
    const dir = await project();
    gitInit(dir);
    const other = runOn(c, dir, { ...CHURN, ...rayInputs(c), command: 'test ! -e .git && python3 train.py', cache: false }, { ...run, id: '4243' });
    const result = await other.result;
    expect(result.status, result.error?.message).toBe('passed');
    expect(other.platform.messages('info').some((line) => /already has gcs:\/\/_ray_pkg_[0-9a-f]{16}\.zip .*not uploading/.test(line))).toBe(true);
    const job = await client.job((dataOf(result) as { ray: { submissionId: string } }).ray.submissionId);
    expect(job?.status).toBe('SUCCEEDED');
  });
});

describe.runIf(cluster)('train on Ray: jobs of the same files', () => {
  const c = cluster as RayCluster;
  // Ray unpacks one package per node; a job that saw another's files or outputs exits non-zero.
  const leg = [
    'import os, sys, time',
    'if os.path.exists("leftover"): sys.exit("another job\'s leftover is here")',
    'open("leftover", "w").close()',
    'params = os.environ["MODELCI_PARAMS"]',
    'open("model.json", "w").write(params)',
    'time.sleep(2)',
    'if open("model.json").read() != params: sys.exit("another job wrote model.json")',
    '',
  ].join('\n');

  async function runLeg(rate: number): Promise<void> {
    const dir = await project({ 'leg.py': leg });
    const run: RunInfo = { id: '5151', attempt: '1', repository: 'acme/legs', job: `leg (${rate})` };
    const { result, platform } = runOn(c, dir, { command: 'python3 leg.py', param: [`rate=${rate}`], outputs: ['model.json'], cache: false, ...rayInputs(c) }, run);
    const done = await result;
    expect(done.status, done.error?.message ?? platform.messages('error').join('\n')).toBe('passed');
    expect(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))).toEqual({ rate });
  }

  it('each works in its own copy of the package, whether they run at once or one after another', async () => {
    await Promise.all([runLeg(1), runLeg(2)]);
    await runLeg(3);
  });
});

describe.runIf(cluster)('train on Ray: failures, timeouts, cancellation, auth', () => {
  const c = cluster as RayCluster;
  const client = new RayClient({ base: c.address, token: c.token });
  const files = { 'job.py': 'print("epoch 1 loss 0.9")\nprint("about to fail: out of patience")\nraise SystemExit(1)\n' };

  it('a failing job fails the step with exit code 1 and the last lines of its log', async () => {
    const dir = await project(files);
    const { result, platform } = runOn(c, dir, { command: 'python3 job.py', outputs: ['model.json'], ...rayInputs(c) });
    const done = await result;
    expect(done.status, done.error?.message).toBe('failed');
    expect(done.exitCode).toBe(1);
    expect(dataOf(done)).toMatchObject({ exitCode: 1, ray: { status: 'FAILED' } });
    const error = platform.messages('error').join('\n');
    expect(error).toMatch(/The Ray job modelci-train-[0-9a-f]{20} ended FAILED \(exit code 1\)/);
    expect(error).toContain('about to fail: out of patience');
  });

  it('a timeout stops the job on the cluster and fails the step', async () => {
    const dir = await project({ 'slow.py': 'import time\nprint("started", flush=True)\ntime.sleep(300)\n' });
    const { result, platform } = runOn(c, dir, { command: 'python3 slow.py', outputs: ['model.json'], timeout: 4, ...rayInputs(c) });
    const done = await result;
    expect(done.status, done.error?.message).toBe('failed');
    const id = (dataOf(done) as { ray: { submissionId: string } }).ray.submissionId;
    expect(dataOf(done)).toMatchObject({ timedOut: true, ray: { status: 'STOPPED' } });
    expect(platform.messages('error').join('\n')).toContain(`The Ray job ${id} timed out after 4 s and was stopped on the cluster.`);
    expect((await client.job(id))?.status).toBe('STOPPED');
  });

  it('SIGTERM to modelci stops the Ray job', async () => {
    const dir = await project({ 'slow.py': 'import time\nprint("running", flush=True)\ntime.sleep(300)\n' });
    const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/esm/index.mjs')).href;
    const cli = pathToFileURL(join(repoRoot, 'shared/cli.ts')).href;
    const args = ['train', '--command', 'python3 slow.py', '--outputs', 'model.json', '--backend', 'ray', '--ray-address', c.address, '--no-cache'];
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', `const { main } = await import(${JSON.stringify(cli)}); await main(process.argv.slice(1));`, ...args], {
      cwd: dir,
      env: { ...process.env, ...c.aws, MODELCI_INPUT_RAY_TOKEN: c.token, GITHUB_ACTIONS: '', GITLAB_CI: '', CI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let id: string | undefined;
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        id ??= /submitted Ray job (modelci-train-[0-9a-f]+)/.exec(stderr)?.[1];
        if (id && /\] running/.test(stderr)) resolve();
      });
      child.on('close', () => resolve());
    });
    expect(id, stderr).toBeDefined();
    child.kill('SIGTERM');
    const code = await exited;
    expect(code, stderr).not.toBe(0);
    expect((await client.job(id as string))?.status).toBe('STOPPED');
  });

  it('a token-protected cluster accepts its token and refuses none or a wrong one (exit 2)', async () => {
    expect((await client.version()).ray_version).toBe('2.60.0');
    for (const token of [undefined, 'not-the-token']) {
      const error = await new RayClient({ base: c.address, ...(token ? { token } : {}) }).version().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ray-auth-refused', exitCode: 2 });
    }
  });
});

it.skipIf(cluster || required)('skips the Ray tests when their cluster is unavailable', async () => {
  expect(provided).toHaveProperty('unavailable');
  await readFile(__filename);
});
