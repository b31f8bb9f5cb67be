import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSteps } from '../../shared/cli/step-catalog.js';
import { ModelciError } from '../../shared/errors.js';
import { parseEvidence, readEvidenceFile, readEvidenceFolder, readRegistryEvidence } from '../../shared/evidence/read.js';
import { openRegistry } from '../../shared/registry/index.js';
import { makeEvidence, makeModel } from '../registry/fixtures.js';
import { repoRoot } from '../helpers/python.js';
import { resultSchemas } from '../helpers/evidence.js';

const fixture = (path: string) => readFile(join(repoRoot, 'test/fixtures/report', path), 'utf8');

function refusal(text: string, options: Parameters<typeof parseEvidence>[1]): ModelciError {
  try {
    parseEvidence(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelciError);
    return error as ModelciError;
  }
  throw new Error('parseEvidence accepted it');
}

describe('the evidence contract', () => {
  it('every step that writes evidence declares the schema of its result', async () => {
    for (const step of await loadSteps()) if (step.writesEvidence !== false) expect(step.result, step.name).toBeDefined();
  });

  it('reads the evidence every step wrote (the report fixtures) with its step schema', async () => {
    const results = await resultSchemas();
    for (const path of ['churn-second/validate-data.json', 'churn-second/train.json', 'churn-second/evaluate.json', 'churn-second/compare.json', 'churn-second/push-model.json', 'multiclass/evaluate.json', 'regression/evaluate.json', 'infer-schema/infer-schema.json', 'train-failed/train.json', 'validate-errors/validate-data.json']) {
      const record = parseEvidence(await fixture(path), { shown: path, results });
      expect(record.step).toBe(path.split('/')[1]!.replace('.json', ''));
    }
  });

  it('names the file, line and JSON path of what is wrong', async () => {
    const results = await resultSchemas();
    const good = await fixture('churn-second/evaluate.json');
    const badValue = good.replace(/"value": 0\.7782[0-9]*/, '"value": "high"');
    const error = refusal(badValue, { shown: 'e.json', results });
    expect(error.code).toBe('evidence-invalid');
    expect(error.message).toMatch(/^e\.json holds a evaluate result this modelci cannot read: result\.metrics\.roc_auc\.value: /);
    expect(error.location?.line).toBe(good.split('\n').findIndex((line) => /"value": 0\.7782/.test(line)) + 1);

    const undeclared = refusal(good.replace('"summary":', '"extra": 1,\n  "summary":'), { shown: 'e.json' });
    expect(undeclared.message).toMatch(/not a modelci evidence record: \(the record\): Unrecognized key: "extra"/);
  });

  it('refuses another schema version, a record of another step, empty files and broken JSON, each with its own code', async () => {
    const good = await fixture('churn-second/train.json');
    const version = refusal(good.replace('"schemaVersion": 1', '"schemaVersion": 2'), { shown: 't.json' });
    expect([version.code, version.location?.line]).toEqual(['evidence-version', 2]);
    expect(version.message).toContain('has evidence schema version 2; this modelci reads version 1');
    const step = refusal(good, { shown: 't.json', step: 'evaluate' });
    expect([step.code, step.message]).toEqual(['evidence-wrong-step', 't.json is the evidence of "train", not of evaluate']);
    expect(refusal('  \n', { shown: 'e.json' }).message).toBe('e.json is empty, not an evidence record');
    const broken = refusal('{\n  "step": }', { shown: 'b.json' });
    expect(broken.code).toBe('evidence-invalid');
    expect(broken.message).toMatch(/^b\.json is not JSON: /);
    // Node 20's JSON.parse names no position for some errors; where it does, the line is right.
    expect(broken.location?.file).toBe('b.json');
    if (broken.location?.line !== undefined) expect(broken.location.line).toBe(2);
  });

  it('reads a folder: valid records, and the files it cannot read with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-evidence-read-'));
    await writeFile(join(dir, 'train.json'), await fixture('churn-second/train.json'));
    await writeFile(join(dir, 'notes.json'), '[1, 2]');
    await writeFile(join(dir, 'README.txt'), 'not json');
    const folder = await readEvidenceFolder(dir, { shown: 'ev', results: await resultSchemas() });
    expect(folder.records.map((record) => [record.file, record.step])).toEqual([['train.json', 'train']]);
    expect(folder.unreadable).toEqual([{ file: 'notes.json', reason: expect.stringMatching(/^ev\/notes\.json is not a modelci evidence record/) }]);
    expect((await readEvidenceFolder(join(dir, 'absent'), { shown: 'x' })).records).toEqual([]);
    await expect(readEvidenceFile(join(dir, 'gone.json'), { shown: 'gone.json' })).rejects.toMatchObject({ code: 'evidence-missing' });
  });

  it('reads the evidence attached to a registry version, digests verified on the way', async () => {
    const work = await mkdtemp(join(tmpdir(), 'modelci-evidence-registry-'));
    await makeModel(join(work, 'model'), 'one');
    await makeEvidence(join(work, 'evidence'));
    const registry = openRegistry(`file://${join(work, 'registry')}`, { cwd: work, env: {} });
    const pushed = await registry.push({ name: 'churn', path: join(work, 'model'), evidence: ['evaluate.json', 'train.json'].map((name) => ({ name, absolute: join(work, 'evidence', name) })) });
    const folder = await readRegistryEvidence(registry, 'churn', pushed.version, join(work, 'pulled'));
    expect(folder.records.map((record) => [record.step, record.status])).toEqual([['evaluate', 'passed'], ['train', 'passed']]);
    expect(folder.unreadable).toEqual([]);
  });
});
