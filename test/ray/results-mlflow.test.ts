import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeContext, runTrainStep } from '../train/helpers.js';
import { CiPlatform, projects, rayCluster } from './helpers.js';

const cluster = rayCluster();
const made = projects();
const churnProject = () => made.churn('modelci-ray-mlflow-');

const CHURN = { command: 'python3 train.py', params: 'params.json', deps: ['data/churn.csv', 'train.py'], metricsFiles: ['metrics.json'], outputs: ['model.json', 'predictions.csv'], cache: false };

describe.runIf(cluster)('train on Ray with the model registry (MLflow) as the results store', () => {
  const c = cluster!;

  it('the job uploads its outputs to the MLflow artifact store and the step collects them: the outputs of a local run, no AWS credentials anywhere', async () => {
    const localDir = await churnProject();
    const local = await runTrainStep(CHURN, makeContext(localDir, { platform: new CiPlatform({}) }).ctx);
    expect(local.status, local.error?.message).toBe('passed');

    const dir = await churnProject();
    const platform = new CiPlatform({ id: '7171', attempt: '1', repository: 'acme/churn', job: 'train/mlflow' });
    const env = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    const remote = await runTrainStep({ ...CHURN, backend: 'ray', rayAddress: c.address, rayToken: c.token, resultsUri: `mlflow+${c.mlflow}` }, makeContext(dir, { platform, env }).ctx);
    expect(remote.status, remote.error?.message ?? platform.messages('error').join('\n')).toBe('passed');
    const data = remote.result?.data as { ray: { submissionId: string; status: string }; outputs: unknown };
    expect(data.ray.status).toBe('SUCCEEDED');
    expect(data.outputs).toEqual((local.result?.data as { outputs: unknown }).outputs);
    for (const file of ['model.json', 'predictions.csv', 'metrics.json']) expect(await readFile(join(dir, file), 'utf8')).toBe(await readFile(join(localDir, file), 'utf8'));
    expect(platform.messages('info').some((line) => line.includes(`collected 3 result file(s) from mlflow+${c.mlflow} modelci/ray-results/${data.ray.submissionId}`))).toBe(true);

    // The manifest is in the registry's artifact store, where the collector put it last.
    const manifest = await fetch(`${c.mlflow}/api/2.0/mlflow-artifacts/artifacts/modelci/ray-results/${data.ray.submissionId}/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(((await manifest.json()) as { files: { path: string }[] }).files.map((file) => file.path).sort()).toEqual(['metrics.json', 'model.json', 'predictions.csv']);
  });

  it('a job whose collector cannot reach the store fails the step (exit 86 recorded) and says so', async () => {
    const dir = await churnProject();
    const platform = new CiPlatform({});
    // The command passes but the collector cannot reach the store: nothing listens on port 9.
    const done = await runTrainStep({ ...CHURN, backend: 'ray', rayAddress: c.address, rayToken: c.token, resultsUri: 'mlflow+http://127.0.0.1:9' }, makeContext(dir, { platform }).ctx);
    expect(done.status).toBe('failed');
    expect(done.result?.data).toMatchObject({ exitCode: 86, ray: { status: 'FAILED' } });
    const error = platform.messages('error').join('\n');
    expect(error).toMatch(/could not upload the results to mlflow\+http:\/\/127\.0\.0\.1:9/);
    expect(error).toContain('The command succeeded, but its results could not be uploaded');
  });
});
