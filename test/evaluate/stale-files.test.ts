import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeContext, runEvaluate, tempDir, writeBinaryCsv } from './helpers.js';

describe('evaluate files of an earlier run', () => {
  it('are removed when this run writes other ones (another task, another format)', async () => {
    const dir = await tempDir();
    const ctx = fakeContext(dir);
    await writeBinaryCsv(dir, 200);
    expect((await runEvaluate(ctx, { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0 })).status).toBe('passed');
    const folder = join(dir, '.modelci', 'evaluate');
    expect(await readdir(folder)).toEqual(expect.arrayContaining(['roc.svg', 'predictions.csv']));

    await writeFile(join(dir, 'regression.jsonl'), '{"y": 1.5, "p": 1.0}\n{"y": 2.0, "p": 2.5}\n{"y": 3.0, "p": 2.0}\n');
    expect((await runEvaluate(ctx, { predictions: 'regression.jsonl', task: 'regression', label: 'y', prediction: 'p', bootstrap: 0 })).status).toBe('passed');
    expect((await readdir(folder)).sort()).toEqual(['predictions.jsonl']);
  });

  it('never include the predictions being evaluated, even inside the folder', async () => {
    const dir = await tempDir();
    const ctx = fakeContext(dir);
    await writeBinaryCsv(dir, 100);
    await runEvaluate(ctx, { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0 });
    await writeBinaryCsv(join(dir, '.modelci', 'evaluate'), 100, 2, 'mine.csv');
    const result = await runEvaluate(ctx, { predictions: '.modelci/evaluate/mine.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0 });
    expect(result.status).toBe('passed');
    expect(existsSync(join(dir, '.modelci', 'evaluate', 'mine.csv'))).toBe(true);
  });
});
