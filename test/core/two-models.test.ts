import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

// One project, two models (docs/configuration.md, "Two models in one project"): each has its own
// out-dir, so its evidence, predictions, summary and run cache stay its own.
const trainCommand = (model: string) =>
  [`mkdir -p ${model}`, `echo "weights-${model}" > ${model}/weights.bin`, `printf "label,score\\n0,0.1\\n1,0.9\\n0,0.3\\n1,0.7\\n" > ${model}-predictions.csv`].join(' && ');

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-two-models-'));
  await writeFile(join(dir, 'modelci.yaml'), 'evaluate:\n  task: binary\n  label: label\n  score: score\n  bootstrap: 0\npush-model:\n  registry: file://registry\n');
  return dir;
}

async function cli(dir: string, argv: string[]) {
  const run = await runCliCaptured([...argv, '--format', 'json'], { cwd: dir });
  return { ...run, json: JSON.parse(run.stdout) as Record<string, unknown> };
}

async function trainAndEvaluate(dir: string, model: string) {
  const outDir = ['--out-dir', `.modelci/${model}`];
  const train = await cli(dir, ['train', '--command', trainCommand(model), '--outputs', model, '--outputs', `${model}-predictions.csv`, ...outDir]);
  expect(train.code, train.stderr).toBe(0);
  expect((await cli(dir, ['evaluate', '--predictions', `${model}-predictions.csv`, ...outDir])).code).toBe(0);
  return train.json;
}

describe('two models in one project, one out-dir each', () => {
  it('push each with only its own evidence', async () => {
    const dir = await project();
    await trainAndEvaluate(dir, 'ranker');
    await trainAndEvaluate(dir, 'churn');
    for (const model of ['ranker', 'churn']) {
      const pushed = await cli(dir, ['push-model', '--name', model, '--path', model, '--out-dir', `.modelci/${model}`]);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.json.attached).toEqual(['evaluate.json', 'evaluate-predictions.csv', 'train.json']);
      expect(pushed.json.skipped).toEqual([]);
    }
  });

  it('keep their run caches when their evidence is cleared', async () => {
    const dir = await project();
    expect((await trainAndEvaluate(dir, 'churn')).cacheHit).toBe(false);
    await rm(join(dir, '.modelci', 'churn', 'evidence'), { recursive: true });
    expect(existsSync(join(dir, '.modelci', 'churn', 'cache', 'train'))).toBe(true);
    const again = await trainAndEvaluate(dir, 'churn');
    expect(again.cacheHit).toBe(true);
  });
});
