import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanModel } from '../../shared/registry/model-files.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { freePort } from '../servers/common.js';
import { makeBoundEvidence, makeModel, tempDir } from '../registry/fixtures.js';

/** The CLI front door over the file registry: JSON documents and exit codes users script against. */
describe('modelci push-model and modelci registry (file registry)', () => {
  let cwd: string;
  const registry = 'file://registry';
  const json = async (argv: string[]) => {
    const run = await runCliCaptured([...argv, '--format', 'json'], { cwd, env: { USER: 'tester' } });
    let document: Record<string, unknown> = {};
    try {
      document = run.stdout ? (JSON.parse(run.stdout) as Record<string, unknown>) : {};
    } catch {
      throw new Error(`not one JSON document on stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    }
    return { ...run, document };
  };

  beforeAll(async () => {
    cwd = await tempDir('modelci-push-cli-');
    await makeModel(join(cwd, 'model'), 'cli');
    await makeBoundEvidence(cwd, join(cwd, 'model'));
  });

  it('push-model prints {name, version, digest, uri} with the status and attaches the evidence', async () => {
    const run = await json(['push-model', '--registry', registry, '--name', 'churn', '--path', 'model', '--alias', 'staging']);
    expect(run.code, run.stderr).toBe(0);
    const digest = (await scanModel(join(cwd, 'model'))).digest;
    expect(run.document).toMatchObject({ status: 'passed', name: 'churn', version: '1', digest, uri: `file://${join(cwd, 'registry')}#churn/1`, created: true, alias: 'staging' });
    const show = await json(['registry', 'show', '--registry', registry, '--name', 'churn', '--version=staging']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.document).toMatchObject({ status: 'passed', version: '1', digest, aliases: ['staging'] });
    expect((show.document.evidence as { path: string; step?: string }[]).map((entry) => [entry.path, entry.step])).toEqual([
      ['evaluate.json', 'evaluate'],
      ['evaluate-predictions.csv', undefined],
      ['train.json', 'train'],
    ]);
    expect(show.document.metrics).toEqual({ accuracy: 0.8 });
  });

  it('push-model of identical content returns the existing version', async () => {
    const run = await json(['push-model', '--registry', registry, '--name', 'churn', '--path', 'model']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.document).toMatchObject({ status: 'passed', version: '1', created: false });
  });

  it("does not attach its own record of an earlier push as evidence", async () => {
    expect(existsSync(join(cwd, '.modelci', 'evidence', 'push-model.json'))).toBe(true);
    await makeModel(join(cwd, 'model-own'), 'cli-own');
    await makeBoundEvidence(cwd, join(cwd, 'model-own'));
    const run = await json(['push-model', '--registry', registry, '--name', 'own', '--path', 'model-own']);
    const show = await json(['registry', 'show', '--registry', registry, '--name', 'own', `--version=${String(run.document.version)}`]);
    expect((show.document.evidence as { path: string }[]).map((entry) => entry.path)).toEqual(['evaluate.json', 'evaluate-predictions.csv', 'train.json']);
  });

  it('registry ls, alias --expect and history answer in JSON; a refused move exits 1', async () => {
    await makeModel(join(cwd, 'model2'), 'cli-2');
    expect((await json(['push-model', '--registry', registry, '--name', 'churn', '--path', 'model2'])).document).toMatchObject({ version: '2' });
    const ls = await json(['registry', 'ls', '--registry', registry, '--name', 'churn']);
    expect(ls.code).toBe(0);
    expect((ls.document.versions as { version: string; aliases: string[] }[]).map(({ version, aliases }) => ({ version, aliases }))).toEqual([
      { version: '1', aliases: ['staging'] },
      { version: '2', aliases: [] },
    ]);
    const refused = await json(['registry', 'alias', '--registry', registry, '--name', 'churn', '--alias', 'staging', '--version=2', '--expect', '2']);
    expect(refused.code).toBe(1);
    expect(refused.document).toMatchObject({ status: 'failed', moved: false, version: '1', expected: '2' });
    const moved = await json(['registry', 'alias', '--registry', registry, '--name', 'churn', '--alias', 'staging', '--version=2', '--expect', '1']);
    expect(moved.code).toBe(0);
    expect(moved.document).toMatchObject({ status: 'passed', moved: true, version: '2', previous: '1', by: 'tester' });
    const history = await json(['registry', 'history', '--registry', registry, '--name', 'churn', '--alias', 'staging']);
    expect((history.document.events as { from?: string; to: string }[]).map(({ from, to }) => [from ?? null, to])).toEqual([[null, '1'], ['1', '2']]);
  });

  it('registry pull exits 3 with a digest error and leaves no target dir when a blob is corrupt', async () => {
    const good = await json(['registry', 'pull', '--registry', registry, '--name', 'churn', '--version=1', '--dest', 'pulled']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.document).toMatchObject({ status: 'passed', version: '1' });
    const weights = (await scanModel(join(cwd, 'model'))).files.find((file) => file.path === 'model.bin')?.digest.slice(7) ?? '';
    const blob = join(cwd, 'registry', 'blobs', 'sha256', weights.slice(0, 2), weights);
    const bytes = await readFile(blob);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    await writeFile(blob, bytes);
    const bad = await json(['registry', 'pull', '--registry', registry, '--name', 'churn', '--version=1', '--dest', 'target']);
    expect(bad.code).toBe(3);
    expect(bad.document).toMatchObject({ status: 'error', error: { kind: 'environment', code: 'registry-digest-mismatch' } });
    expect(bad.stderr).toContain('Digest mismatch');
    expect(existsSync(join(cwd, 'target'))).toBe(false);
    expect((await readdir(cwd)).filter((entry) => entry.startsWith('.target'))).toEqual([]);
  });

  it('shows progress on a long transfer, a few lines rather than one per chunk', async () => {
    const big = join(cwd, 'big-model');
    await mkdir(big);
    await writeFile(join(big, 'weights.bin'), Buffer.alloc(40 << 20, 7));
    const run = await json(['push-model', '--registry', registry, '--name', 'big', '--path', 'big-model']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter((line) => line.includes('push: '));
    expect(lines.at(-1)).toMatch(/push: 40\.0\/40\.0 MiB \(100%, [\d.]+ MiB\/s\)/);
    expect(lines.length).toBeLessThan(10);
  });

  it.each([
    ['an unknown scheme', 's3://bucket/models'],
    ['credentials in the URI', 'oci://user:secret@127.0.0.1:5000/team'],
    ['plain HTTP MLflow off loopback', 'mlflow+http://mlflow.example.com'],
  ])('rejects %s with exit 2', async (_name, uri) => {
    const run = await json(['registry', 'ls', '--registry', uri, '--name', 'churn']);
    expect(run.code).toBe(2);
    expect(run.document).toMatchObject({ status: 'error', error: { code: 'registry-bad-uri' } });
    expect(run.stdout + run.stderr).not.toContain('secret');
  });

  it('rejects a bad model name with exit 2 and a hint', async () => {
    const run = await json(['push-model', '--registry', registry, '--name', 'Churn Model', '--path', 'model']);
    expect(run.code).toBe(2);
    expect(run.document).toMatchObject({ error: { code: 'registry-bad-name' } });
  });

  it('exits 3 when the registry does not answer, without printing the token', async () => {
    const port = await freePort();
    const token = 'tok-3f9a1c-never-print-me';
    const run = await json(['push-model', '--registry', `oci://127.0.0.1:${port}/team`, '--name', 'churn', '--path', 'model', '--token', token]);
    expect(run.code).toBe(3);
    expect(run.document).toMatchObject({ status: 'error', error: { kind: 'environment', code: 'registry-unreachable' } });
    expect(run.stdout + run.stderr).not.toContain(token);
  });
});
