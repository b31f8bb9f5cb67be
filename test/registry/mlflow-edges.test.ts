import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openRegistry } from '../../shared/registry/index.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { makeBoundEvidence, makeModel, tempDir } from './fixtures.js';
import { startMlflowStub, type MlflowStub } from './mlflow-stub.js';

/**
 * What a real `mlflow server` will not do on demand (fail a registration, never finish one,
 * require credentials), against a loopback stub that speaks the same REST 2.0.
 */
describe('MLflow registry: registration states and auth', () => {
  const TOKEN = 'mlflow-tok-3f9a1c-do-not-log';
  const USER = 'ci-bot';
  const PASSWORD = 'pw-51be07-do-not-log';
  let cwd: string;
  let stub!: MlflowStub;

  const cli = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = await runCliCaptured([...argv, '--verbose', '--format', 'json'], { cwd, env: { USER: 'tester', ...env } });
    return { ...run, document: JSON.parse(run.stdout) as { status: string; error?: { kind: string; code: string; message: string; hint?: string } } & Record<string, unknown> };
  };
  const push = (extra: string[] = [], env: NodeJS.ProcessEnv = {}) => cli(['push-model', '--registry', stub.uri, '--name', 'churn', '--path', 'model', ...extra], env);
  const polls = () => stub.requests.filter((request) => request.path.endsWith('/model-versions/get')).length;

  beforeAll(async () => {
    cwd = await tempDir('modelci-mlflow-edges-');
    await makeModel(join(cwd, 'model'), 'edges');
    await makeBoundEvidence(cwd, join(cwd, 'model'));
    return () => rm(cwd, { recursive: true, force: true });
  });

  // A fresh server per test: each one sets the registration answers or credentials it needs.
  beforeEach(async () => {
    stub = await startMlflowStub();
  });

  afterEach(() => stub.stop());

  it('fails with registry-registration-failed (exit 3) when the version ends in FAILED_REGISTRATION, and a later push creates a new version', async () => {
    stub.registration = ['PENDING_REGISTRATION', 'PENDING_REGISTRATION', 'FAILED_REGISTRATION'];
    stub.statusMessage = 'Could not copy model/model.bin from the run';
    const failed = await push();
    expect(failed.code, failed.stderr).toBe(3);
    expect(failed.document).toMatchObject({ status: 'error', error: { kind: 'environment', code: 'registry-registration-failed' } });
    expect(failed.document.error?.message).toContain('churn version 1');
    expect(failed.document.error?.message).toContain('Could not copy model/model.bin from the run');
    // It waited through both PENDING answers rather than failing (or passing) on the first one.
    expect(polls()).toBe(2);

    // The failed version holds the same digest tag; it must not be taken for "already pushed".
    stub.registration = ['READY'];
    const retried = await push();
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.document).toMatchObject({ status: 'passed', version: '2', created: true });
  });

  it('gives up with registry-timeout when the version stays PENDING_REGISTRATION past the wait', async () => {
    stub.registration = ['PENDING_REGISTRATION'];
    const registry = openRegistry(stub.uri, { cwd, env: {}, readyTimeoutMs: 500 });
    const error = await registry.push({ name: 'churn', path: join(cwd, 'model') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ModelciError', kind: 'environment', code: 'registry-timeout', exitCode: 3 });
    expect((error as Error).message).toMatch(/churn version 1 .*PENDING_REGISTRATION/);
    expect(polls()).toBeGreaterThan(1);
    // A pending version is never listed as a version of the model.
    expect(await registry.list('churn')).toEqual([]);
  });

  const credentials = [
    { scheme: 'Bearer', secret: TOKEN, header: `Bearer ${TOKEN}`, env: { MLFLOW_TRACKING_TOKEN: TOKEN }, wrong: ['--token', `${TOKEN}-wrong`] },
    { scheme: 'Basic', secret: PASSWORD, header: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`, env: { MLFLOW_TRACKING_USERNAME: USER, MLFLOW_TRACKING_PASSWORD: PASSWORD }, wrong: ['--username', USER, '--password', `${PASSWORD}-wrong`] },
  ];

  it.each(credentials)('$scheme auth: every request, uploads included, carries the credentials; none reach the output', async ({ secret, header, env }) => {
    stub.authorization = header;
    const run = await push(['--alias', 'staging'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.document).toMatchObject({ status: 'passed', name: 'churn', version: '1', created: true, alias: 'staging' });
    const uploads = stub.requests.filter((request) => request.method === 'PUT' && request.path.includes('/mlflow-artifacts/artifacts/'));
    // model.bin, config.json, docs/README.md, evidence/{evaluate.json, evaluate-predictions.csv, train.json}, modelci/manifest.json
    expect(uploads).toHaveLength(7);
    expect([...stub.artifacts.keys()].filter((path) => path.endsWith('/modelci/manifest.json'))).toHaveLength(1);
    expect(stub.requests.filter((request) => request.authorization !== header)).toEqual([]);
    expect(stub.requests.some((request) => request.path.endsWith('/registered-models/alias'))).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it.each(credentials)('$scheme auth: wrong credentials fail with registry-auth (exit 3) without printing them', async ({ secret, header, wrong }) => {
    stub.authorization = header;
    const run = await push(wrong);
    expect(run.code, run.stderr).toBe(3);
    expect(run.document).toMatchObject({ status: 'error', error: { kind: 'environment', code: 'registry-auth' } });
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(stub.requests.length).toBeGreaterThan(0);
    expect(stub.requests.filter((request) => request.authorization === undefined)).toEqual([]);

    // The CLI masks secrets on the way out; the error itself must not need that.
    const registry = openRegistry(stub.uri, { cwd, env: {}, ...(wrong[0] === '--token' ? { token: `${TOKEN}-wrong` } : { username: USER, password: `${PASSWORD}-wrong` }) });
    const error = (await registry.push({ name: 'churn', path: join(cwd, 'model') }).catch((caught: unknown) => caught)) as Error & { code: string; hint?: string };
    expect(error).toMatchObject({ kind: 'environment', code: 'registry-auth' });
    expect(error.hint).toMatch(/--token|--password/);
    const text = `${error.message} ${error.hint} ${String(error.stack)}`;
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`${USER}:${PASSWORD}-wrong`).toString('base64'));
  });
});
