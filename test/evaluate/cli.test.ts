import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateStep } from '../../shared/steps/evaluate.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { tempDir, writeBinaryCsv } from './helpers.js';

const cli = (dir: string, argv: string[]) => runCliCaptured(argv, { cwd: dir, steps: [evaluateStep] });

describe('modelci evaluate (CLI)', () => {
  it('exit 0 and one JSON document {status, task, n, metrics, slices, thresholds} when thresholds pass', async () => {
    const dir = await tempDir();
    await writeBinaryCsv(dir, 300);
    const run = await cli(dir, ['evaluate', '--predictions', 'predictions.csv', '--task', 'binary', '--label', 'label', '--score', 'score', '--bootstrap', '100', '--slice', 'segment', '--min', 'roc_auc=0.6', '--format', 'json']);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc).toMatchObject({ status: 'passed', task: 'binary', n: 300 });
    expect(Object.keys(doc.metrics.roc_auc)).toEqual(['value', 'ci', 'n']);
    expect(doc.slices.map((s: { value: string }) => s.value).sort()).toEqual(['consumer', 'enterprise', 'smb']);
    expect(doc.thresholds).toEqual([{ metric: 'roc_auc', op: '>=', threshold: 0.6, value: doc.metrics.roc_auc.value, passed: true }]);
    // The evidence records the stored predictions by digest.
    const evidence = JSON.parse(await readFile(doc.evidence, 'utf8'));
    const stored = evidence.outputs.find((o: { path: string }) => o.path.endsWith('predictions.csv'));
    expect(stored.sha256).toBe(doc.predictions.sha256);
  });

  it('exit 1 when a threshold fails, including one on an undefined metric', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.csv'), 'label,score\n' + Array.from({ length: 40 }, (_, i) => `1,${(i / 40).toFixed(3)}`).join('\n') + '\n');
    const run = await cli(dir, ['evaluate', '--predictions', 'p.csv', '--task', 'binary', '--label', 'label', '--score', 'score', '--bootstrap', '0', '--min', 'roc_auc=0.5', '--format', 'json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.status).toBe('failed');
    expect(doc.metrics.roc_auc.value).toBeNull();
    expect(doc.metrics.roc_auc.reason).toMatch(/only one class/);
    expect(doc.thresholds[0].passed).toBe(false);
  });

  it('exit 2 with file, row and column for a bad cell', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.csv'), 'label,score\n1,0.2\n0,oops\n');
    const run = await cli(dir, ['evaluate', '--predictions', 'bad.csv', '--task', 'binary', '--label', 'label', '--score', 'score', '--format', 'json']);
    expect(run.code).toBe(2);
    const doc = JSON.parse(run.stdout);
    expect(doc.error).toMatchObject({ code: 'type-error', location: { file: 'bad.csv', line: 3 } });
  });
});
