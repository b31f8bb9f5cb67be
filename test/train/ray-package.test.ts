import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageWorkingDir } from '../../shared/train/ray/package.js';
import { rayEndpoint } from '../../shared/train/ray/address.js';
import { checkResultsUri } from '../../shared/train/ray/results-store.js';
import { parseMlflowResultsUri } from '../../shared/train/ray/mlflow-results.js';
import { repoRoot } from '../helpers/python.js';
import { makeContext, runTrainStep, tempDir, writeFiles } from './helpers.js';

const python = join(repoRoot, '.venv', 'bin', 'python');
const hasRay = spawnSync(python, ['-c', 'import ray'], { stdio: 'ignore' }).status === 0;
if (!hasRay && process.env.MODELCI_REQUIRE_REFERENCES === '1') throw new Error('the package tests compare against Ray in .venv (npm test installs it)');

let dir: { path: string; cleanup(): Promise<void> };
let scratch: { path: string; cleanup(): Promise<void> };

beforeEach(async () => {
  dir = await tempDir('modelci-pkg-');
  scratch = await tempDir('modelci-pkg-out-');
  await writeFiles(dir.path, {
    'train.py': 'print("train")\n',
    'src/model.py': 'DEPTH = 3\n',
    'src/.gitignore': 'scratch.txt\n',
    'src/scratch.txt': 'left out by src/.gitignore\n',
    '.gitignore': 'build\n*.log\n',
    'build/model.bin': 'built\n',
    'run.log': 'log\n',
    'data/big.csv': 'x'.repeat(300_000),
    'data/small.csv': 'a,b\n1,2\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/objects/ab/cdef': 'secret history\n',
    'empty/.keep-me-not': '',
  });
});

afterEach(async () => {
  await dir.cleanup();
  await scratch.cleanup();
});

/** What Ray itself makes of the folder: its URI for the same excludes, and the names in our zip. */
function ray(script: string): string {
  const result = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

describe.runIf(hasRay)('the working-dir package', () => {
  it("is named by Ray's own content hash, and Python's zipfile reads what was kept, never .git", async () => {
    const pkg = await packageWorkingDir(dir.path, { excludes: ['data/big.csv', 'empty/.keep-me-not'], scratchDir: scratch.path });
    // Ray does not leave .git out by itself: it is named in excludes for Ray's side of the comparison.
    const rays = ray(`from ray._private.runtime_env.packaging import get_uri_for_directory as u; print(u(${JSON.stringify(dir.path)}, include_gitignore=True, excludes=["data/big.csv", "empty/.keep-me-not", ".git"]))`);
    expect(pkg.uri).toBe(rays);
    expect(pkg.uri).toMatch(/^gcs:\/\/_ray_pkg_[0-9a-f]{16}\.zip$/);
    const listing = JSON.parse(ray(`import json, zipfile; z = zipfile.ZipFile(${JSON.stringify(pkg.zipPath)}); assert z.testzip() is None; print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))`)) as Record<string, string>;
    expect(Object.keys(listing).sort()).toEqual(['.gitignore', 'data/small.csv', 'empty/', 'src/.gitignore', 'src/model.py', 'train.py']);
    expect(listing['src/model.py']).toBe('DEPTH = 3\n');
  });

  it('is the same bytes when made again', async () => {
    const first = await packageWorkingDir(dir.path, { scratchDir: join(scratch.path, 'a') });
    const second = await packageWorkingDir(dir.path, { scratchDir: join(scratch.path, 'b') });
    expect(second.uri).toBe(first.uri);
    expect(await readFile(second.zipPath)).toEqual(await readFile(first.zipPath));
  });

  it('over the size limit, is refused before any upload with the largest paths named (exit 2)', async () => {
    const error = await packageWorkingDir(dir.path, { scratchDir: scratch.path, maxBytes: 1024 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ray-package-too-large', exitCode: 2 });
    const message = (error as Error).message;
    expect(message).toMatch(/zips to [\d.]+ MiB, over Ray's package limit of 0\.0 MiB\. Largest: /);
    expect(message).toContain('data/ (0.3 MiB), data/big.csv (0.3 MiB)');
  });
});

describe('the cluster address, judged before any connection', () => {
  it.each([
    ['http://10.20.30.40:8265', 'tok', 'plain HTTP to another machine'],
    ['https://ray.example.com:8265', undefined, 'no ray-token is set'],
  ])('refuses %s (token %s) with exit 2 and sends nothing', async (address, token, why) => {
    const { ctx } = makeContext(dir.path);
    const outcome = await runTrainStep({ command: 'true', backend: 'ray', rayAddress: address, ...(token ? { rayToken: token } : {}) }, ctx);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error).toMatchObject({ code: 'ray-insecure-address' });
    expect(outcome.error?.message).toContain(why);
  });

  it('accepts loopback without TLS or token, https with a token, and anything with ray-allow-insecure', () => {
    expect(rayEndpoint('http://127.0.0.1:8265', undefined, false)).toEqual({ base: 'http://127.0.0.1:8265', loopback: true });
    expect(rayEndpoint('https://ray.example.com:8265/', 'tok', false).base).toBe('https://ray.example.com:8265');
    expect(rayEndpoint('http://10.0.0.5:8265', undefined, true).loopback).toBe(false);
    expect(() => rayEndpoint('ray://10.0.0.5:10001', 'tok', false)).toThrow(/must start with http/);
  });
});

describe('the results store, judged before any connection', () => {
  it.each([
    ['mlflow+http://10.20.30.40:5000', 'ray-insecure-address', 'plain HTTP to another machine'],
    ['mlflow+ftp://mlflow.example.com', 'ray-results-uri-invalid', 'must be mlflow+http(s)://host'],
    ['mlflow+https://user:pw@mlflow.example.com', 'ray-results-uri-invalid', 'without credentials'],
    ['s3://Not_A_Bucket/x', 'ray-results-uri-invalid', 'is not s3://bucket/prefix'],
    ['s3://ml-results/churn', 'ray-results-credentials', 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not'],
  ])('refuses results-uri %s with exit 2 (%s) and sends nothing', async (resultsUri, code, why) => {
    const { ctx } = makeContext(dir.path, { env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
    const outcome = await runTrainStep({ command: 'true', backend: 'ray', rayAddress: 'http://127.0.0.1:9', resultsUri }, ctx);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error).toMatchObject({ code });
    expect(outcome.error?.message).toContain(why);
  });

  it('takes the registry over https or on loopback without AWS credentials, and plain HTTP elsewhere only with ray-allow-insecure', () => {
    const env = {};
    expect(() => checkResultsUri({ resultsUri: 'mlflow+https://mlflow.example.com/team/', rayAllowInsecure: false }, env)).not.toThrow();
    expect(() => checkResultsUri({ resultsUri: 'mlflow+http://127.0.0.1:5000', rayAllowInsecure: false }, env)).not.toThrow();
    expect(() => checkResultsUri({ resultsUri: 'mlflow+http://10.0.0.5:5000', rayAllowInsecure: true }, env)).not.toThrow();
    expect(parseMlflowResultsUri('mlflow+https://mlflow.example.com/team/', false)).toBe('https://mlflow.example.com/team');
  });
});

describe('the connection-loss budget', () => {
  it.each(['2m', '1.5', '-3'])('refuses MODELCI_RAY_CONNECTION_BUDGET_S=%s with exit 2 before any connection', async (value) => {
    const { ctx } = makeContext(dir.path, { env: { MODELCI_RAY_CONNECTION_BUDGET_S: value } });
    const outcome = await runTrainStep({ command: 'true', backend: 'ray', rayAddress: 'http://127.0.0.1:9' }, ctx);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error?.message).toContain(`MODELCI_RAY_CONNECTION_BUDGET_S must be a whole number of seconds, not '${value}'`);
  });
});
