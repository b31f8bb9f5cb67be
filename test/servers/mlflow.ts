import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/python.js';
import { findBinary, freePort, startProcess, stopProcess, waitUntil } from './common.js';

export interface MlflowServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The --artifacts-destination directory, for corruption tests. */
  artifacts: string;
  stop(): Promise<void>;
}

/** Env that keeps MLflow (server and Python client) from calling home. */
export const mlflowQuietEnv: Record<string, string> = {
  MLFLOW_DISABLE_TELEMETRY: 'true',
  DO_NOT_TRACK: 'true',
  MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR: 'false',
  GIT_PYTHON_REFRESH: 'quiet',
  // MLflow 3 starts a job runner with a pool of huey workers per server; the registry needs none.
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
};

export function mlflowBinary(): string | undefined {
  const venv = join(repoRoot, '.venv', 'bin', 'mlflow');
  return findBinary(existsSync(venv) ? [venv] : ['mlflow'], 'pip install -r test/requirements.txt into .venv');
}

/** `mlflow server` with a SQLite backend and proxied artifacts, on a free loopback port. */
export async function startMlflow(): Promise<MlflowServer> {
  const binary = mlflowBinary();
  if (!binary) throw new Error('mlflow is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'modelci-mlflow-'));
  const port = await freePort();
  const artifacts = join(dir, 'artifacts');
  const { child, log } = startProcess(binary, [
    'server',
    '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`,
    '--serve-artifacts',
    '--artifacts-destination', artifacts,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--workers', '1',
  ], { ...process.env, ...mlflowQuietEnv });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/health`)).status === 200, child, 'mlflow server', log, 1800);
  return {
    url,
    artifacts,
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
