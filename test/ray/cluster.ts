// One Ray head (token auth on) and one S3-compatible server (moto) for every test/ray case, started
// by vitest.ray.config.ts's global setup inside the network namespace scripts/test.mjs made, where
// 127.0.0.1 is the only address Ray can take and no traffic leaves the machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { RayClient } from '../../shared/train/ray/client.js';
import { repoRoot } from '../helpers/python.js';
import { startMlflow, type MlflowServer } from '../servers/mlflow.js';

export interface RayCluster {
  address: string;
  token: string;
  s3Endpoint: string;
  bucket: string;
  /** Credentials moto accepts; the job's own come from the head's environment. */
  aws: Record<string, string>;
  /** An MLflow server (the model registry) whose artifact store can take the results. */
  mlflow: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    ray: RayCluster | { unavailable: string };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, headers: Record<string, string>, child: ChildProcess | undefined, what: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { headers });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await delay(500);
  }
  throw new Error(`${what} did not answer at ${url} within ${seconds} s`);
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    process.kill(-(child.pid as number), 'SIGTERM');
  });
}

/**
 * The head answers its API before its job agent has registered; until then a submission fails with
 * "No available agent". One trivial job, submitted through modelci's own client (fetch would be
 * refused: its sec-fetch-* headers look like a browser's to Ray) and followed to its end, also warms
 * the runtime-env machinery the tests' first job would otherwise wait for.
 */
async function warmUp(address: string, token: string): Promise<void> {
  const client = new RayClient({ base: address, token, signal: AbortSignal.timeout(300_000) });
  const deadline = Date.now() + 240_000;
  let last = '';
  for (;;) {
    if (Date.now() > deadline) throw new Error(`the Ray head accepted no job within 240 s (last answer: ${last.slice(-300)})`);
    try {
      await client.submit({ submission_id: 'warm-up', entrypoint: 'true' });
      break;
    } catch (error) {
      last = (error as Error).message;
      await delay(1000);
    }
  }
  for (;;) {
    if (Date.now() > deadline) throw new Error('the warm-up job did not finish within 240 s');
    const job = await client.job('warm-up');
    if (job?.status === 'SUCCEEDED') return;
    if (job?.status === 'FAILED' || job?.status === 'STOPPED') throw new Error(`the warm-up job ended ${job.status}: ${job.message}`);
    await delay(500);
  }
}

/** The processes of the head this setup started: every Ray process carries its --temp-dir. */
function rayPids(temp: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(temp)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

async function stopRay(temp: string): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const pids = rayPids(temp);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    for (let i = 0; i < 40 && rayPids(temp).length > 0; i++) await delay(250);
  }
}

function rayArgs(gcs: number, dashboard: number, client: number, temp: string): string[] {
  return ['start', '--head', '--dashboard-host', '127.0.0.1', '--node-ip-address', '127.0.0.1', '--port', String(gcs), '--dashboard-port', String(dashboard), '--ray-client-server-port', String(client), '--include-dashboard', 'true', '--num-cpus', '1', '--min-worker-port', '21000', '--max-worker-port', '21200', '--temp-dir', temp, '--disable-usage-stats'];
}

/**
 * `ray start`, ahead of the other work on the machine when it may be (root): Ray gives its raylet a
 * fixed 30 s to register with the GCS, which two busy cores can miss.
 */
function startHead(python: string, args: string[], env: NodeJS.ProcessEnv) {
  const ray = join(python, 'ray');
  const [command, argv] = process.getuid?.() === 0 ? ['nice', ['-n', '-10', ray, ...args]] : [ray, args];
  return spawnSync(command, argv, { env, encoding: 'utf8', timeout: 300_000 });
}

function onlyLoopback(): boolean {
  const result = spawnSync('ip', ['-o', 'addr'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.split('\n').filter(Boolean).every((line) => / lo /.test(line));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const python = join(repoRoot, '.venv', 'bin');
  const why = !existsSync(join(python, 'ray')) ? '.venv has no ray (npm test installs test/requirements.txt)' : !onlyLoopback() ? 'not inside a network namespace with only loopback (run through npm test, which uses unshare -n)' : undefined;
  if (why) {
    project.provide('ray', { unavailable: why });
    return async () => {};
  }
  const started = performance.now();
  const temp = await mkdtemp(join(tmpdir(), 'mray-'));
  const [gcs, dashboard, client, s3] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const token = randomBytes(16).toString('hex');
  const aws = { AWS_ACCESS_KEY_ID: 'modelci-test', AWS_SECRET_ACCESS_KEY: 'modelci-test-secret', AWS_DEFAULT_REGION: 'us-east-1' };
  const env = { ...process.env, ...aws, PATH: `${python}:${process.env.PATH}`, RAY_AUTH_MODE: 'token', RAY_AUTH_TOKEN: token, RAY_USAGE_STATS_ENABLED: '0', PYTHONDONTWRITEBYTECODE: '1', RAY_agent_register_timeout_ms: '180000', RAY_raylet_start_wait_time_s: '180' };
  const address = `http://127.0.0.1:${dashboard}`;
  const s3Endpoint = `http://127.0.0.1:${s3}`;
  const bucket = 'modelci-results';
  let moto: ChildProcess | undefined;
  let mlflow: MlflowServer | undefined;
  // Started first: its process comes up while `ray start` (which blocks this thread) runs.
  const mlflowStarting = startMlflow();
  try {
    moto = spawn(join(python, 'moto_server'), ['-H', '127.0.0.1', '-p', String(s3)], { env, detached: true, stdio: 'ignore' });
    // Not --block: there any Ray process that dies (the client server, slow to find its node on a busy
    // machine) takes the whole head with it. The processes are found again by their --temp-dir.
    let head = startHead(python, rayArgs(gcs, dashboard, client, temp), env);
    if (head.status !== 0) {
      // Ray gives its raylet 30 s to register, which a loaded 2-core machine can miss: once more, afresh.
      process.stderr.write('[test/ray] ray start timed out; starting it once more\n');
      await stopRay(temp);
      head = startHead(python, rayArgs(gcs, dashboard, client, temp), env);
    }
    if (head.status !== 0) throw new Error(`ray start failed: ${head.stderr}`);
    await waitFor(`${s3Endpoint}/`, {}, moto, 'moto_server', 60);
    mlflow = await mlflowStarting;
    const created = spawnSync(join(python, 'python'), ['-c', `import boto3; boto3.client("s3", endpoint_url="${s3Endpoint}").create_bucket(Bucket="${bucket}")`], { env, encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`could not create the bucket: ${created.stderr}`);
    await warmUp(address, token);
    process.stderr.write(`[test/ray] Ray head and moto up in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    await Promise.all([stopRay(temp), moto ? stopGroup(moto) : undefined, (mlflow ?? (await mlflowStarting.catch(() => undefined)))?.stop()]);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  project.provide('ray', { address, token, s3Endpoint, bucket, aws, mlflow: mlflow.url });
  return async () => {
    await Promise.all([stopRay(temp), stopGroup(moto as ChildProcess), mlflow?.stop()]);
    if (process.env.MODELCI_KEEP_RAY_LOGS) process.stderr.write(`[test/ray] Ray logs kept in ${temp}\n`);
    else await rm(temp, { recursive: true, force: true });
  };
}
