import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import { binaryMetrics } from '../../shared/metrics/binary.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';
import { fakeContext, runEvaluate, tempDir, writeBinaryCsv } from './helpers.js';

type Data = {
  task: string;
  n: number;
  metrics: Record<string, { value: number | null; ci: [number, number] | null; n: number; reason?: string; note?: string }>;
  slices: { column: string; value: string; n: number; status: string; metrics?: Record<string, { value: number | null }> }[];
  thresholds: { metric: string; op: string; threshold: number; value: number | null; passed: boolean; reason?: string }[];
  predictions: { file: string; sha256: string; rows: number };
  charts: Record<string, string>;
  confusionMatrix?: { labels: string[]; matrix: number[][] };
};

async function errorOf(promise: Promise<unknown>): Promise<ModelciError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ModelciError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('evaluate step: binary', () => {
  it('reports every binary metric as {value, ci, n}, equal to the metric functions, with files', async () => {
    const dir = await tempDir();
    const file = await writeBinaryCsv(dir, 400);
    const ctx = fakeContext(dir);
    const result = await runEvaluate(ctx, { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 200, min: ['roc_auc=0.6'], max: ['log_loss=0.9'] });
    const data = result.data as unknown as Data;
    expect(result.status).toBe('passed');
    expect(data.task).toBe('binary');
    expect(data.n).toBe(400);
    const text = await readFile(file, 'utf8');
    const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
    const direct = binaryMetrics({ y: Uint8Array.from(rows, (r) => Number(r[0])), score: Float64Array.from(rows, (r) => Number(r[1])) });
    for (const name of ['accuracy', 'balanced_accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier_score', 'matthews_corrcoef', 'ece']) {
      const m = data.metrics[name]!;
      expect(m.value, name).toBe(direct[name]!.value);
      expect(m.n).toBe(400);
      expect(m.ci![0]).toBeLessThanOrEqual(m.value!);
      expect(m.ci![1]).toBeGreaterThanOrEqual(m.value!);
    }
    expect(data.thresholds.map((t) => [t.metric, t.op, t.passed])).toEqual([
      ['roc_auc', '>=', true],
      ['log_loss', '<=', true],
    ]);
    expect(data.confusionMatrix!.matrix.flat().reduce((a, b) => a + b, 0)).toBe(400);
    // Predictions stored next to the evidence, by digest; charts as SVG files; all listed as outputs.
    expect(existsSync(join(dir, data.predictions.file))).toBe(true);
    expect(data.predictions.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(data.charts).sort()).toEqual(['calibration', 'confusion-matrix', 'precision-recall', 'roc']);
    for (const chart of Object.values(data.charts)) {
      const svg = await readFile(join(dir, chart), 'utf8');
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    }
    expect(result.files!.outputs).toHaveLength(5);
    expect(result.markdown).toContain('| `roc_auc` |');
    expect(result.markdown).toContain('```mermaid\nxychart-beta');
    expect(result.summary).toMatch(/^binary on 400 rows: roc_auc 0\.\d+ \[0\.\d+, 0\.\d+\]/);
    expect(JSON.parse(result.outputs!.metrics!).roc_auc).toBe(data.metrics.roc_auc!.value);
  });

  it('one-class input: roc_auc is null with a reason, and a threshold on it fails (fail closed)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'p.csv'), 'label,score\n' + Array.from({ length: 50 }, (_, i) => `0,${(i / 50).toFixed(2)}`).join('\n') + '\n');
    const result = await runEvaluate(fakeContext(dir), { predictions: 'p.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 50, min: ['roc_auc=0.8'] });
    const data = result.data as unknown as Data;
    expect(result.status).toBe('failed');
    expect(data.metrics.roc_auc!.value).toBeNull();
    expect(data.metrics.roc_auc!.ci).toBeNull();
    expect(data.metrics.roc_auc!.reason).toMatch(/only one class/);
    expect(data.metrics.average_precision!.value).toBeNull();
    expect(data.thresholds[0]).toMatchObject({ metric: 'roc_auc', value: null, passed: false });
    expect(data.thresholds[0]!.reason).toMatch(/undefined/);
    // Defined metrics still have numbers.
    expect(data.metrics.accuracy!.value).toBeTypeOf('number');
    expect(result.markdown).toContain('❌');
  });

  it('fails when a value is below its --min', async () => {
    const dir = await tempDir();
    await writeBinaryCsv(dir, 200);
    const result = await runEvaluate(fakeContext(dir), { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0, min: ['roc_auc=0.999'] });
    expect(result.status).toBe('failed');
    expect(result.outputs!['failed-thresholds']).toBe('1');
    const data = result.data as unknown as Data;
    expect(data.metrics.roc_auc!.ci).toBeNull();
  });

  it('is reproducible with a seed and changes with another seed', async () => {
    const dir = await tempDir();
    await writeBinaryCsv(dir, 300);
    const run = async (seed: number) => ((await runEvaluate(fakeContext(dir), { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 100, seed })).data as unknown as Data).metrics;
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a).toEqual(b);
    expect(a.roc_auc!.ci).not.toEqual(c.roc_auc!.ci);
  });

  it('computes slices with counts and reports small slices as too small', async () => {
    const dir = await tempDir();
    await writeBinaryCsv(dir, 300);
    const result = await runEvaluate(fakeContext(dir), { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 50, slice: ['segment'], minSliceSize: 40 });
    const data = result.data as unknown as Data;
    const bySegment = Object.fromEntries(data.slices.map((s) => [s.value, s]));
    expect(bySegment.consumer!.n + bySegment.smb!.n + bySegment.enterprise!.n).toBe(300);
    expect(bySegment.enterprise!.n).toBe(30);
    expect(bySegment.enterprise!.status).toBe('too-small');
    expect(bySegment.enterprise!.metrics).toBeUndefined();
    expect(bySegment.consumer!.status).toBe('ok');
    expect(bySegment.consumer!.metrics!.roc_auc!.value).toBeTypeOf('number');
    expect(result.markdown).toContain('too small');
  });

  it('names the file, row and column of a non-numeric score', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bad.csv'), 'label,score\n1,0.9\n0,0.2\n1,high\n');
    const error = await errorOf(runEvaluate(fakeContext(dir), { predictions: 'bad.csv', task: 'binary', label: 'label', score: 'score' }));
    expect(error.kind).toBe('usage');
    expect(error.code).toBe('type-error');
    expect(error.location).toEqual({ file: 'bad.csv', line: 4 });
    expect(error.message).toContain("column 'score'");
    expect(error.message).toContain("'high'");
  });

  it('refuses labels that are not 0/1 without --pos-label, and accepts them with it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'yn.csv'), 'label,score\nchurn,0.9\nstay,0.2\nchurn,0.7\nstay,0.4\n');
    const error = await errorOf(runEvaluate(fakeContext(dir), { predictions: 'yn.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0 }));
    expect(error.hint).toContain('--pos-label');
    const result = await runEvaluate(fakeContext(dir), { predictions: 'yn.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0, posLabel: 'churn' });
    expect((result.data as unknown as Data).metrics.roc_auc!.value).toBe(1);
  });

  it('rejects an unknown metric in a threshold with a suggestion', async () => {
    const dir = await tempDir();
    await writeBinaryCsv(dir, 20);
    const error = await errorOf(runEvaluate(fakeContext(dir), { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', min: ['rocauc=0.8'] }));
    expect(error.code).toBe('evaluate-unknown-metric');
    expect(error.hint).toContain("'roc_auc'");
  });

  it('warns when a bound points the wrong way for the metric', async () => {
    const dir = await tempDir();
    await writeBinaryCsv(dir, 50);
    const ctx = fakeContext(dir);
    await runEvaluate(ctx, { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0, min: ['log_loss=0.1'] });
    expect(ctx.log()).toContain('did you mean --max?');
  });

  it('reports only the --metrics subset (plus threshold metrics)', async () => {
    const dir = await tempDir();
    await writeBinaryCsv(dir, 100);
    const result = await runEvaluate(fakeContext(dir), { predictions: 'predictions.csv', task: 'binary', label: 'label', score: 'score', bootstrap: 0, metrics: ['roc_auc,f1'], max: ['log_loss=5'] });
    expect(Object.keys((result.data as unknown as Data).metrics).sort()).toEqual(['f1', 'log_loss', 'roc_auc']);
  });
});

describe('evaluate step: multiclass and regression', () => {
  it('reads class probabilities by prefix from JSON Lines', async () => {
    const dir = await tempDir();
    const rows = [];
    for (let i = 0; i < 90; i++) {
      const label = ['cat', 'dog', 'eel'][i % 3]!;
      const p = [0.2, 0.2, 0.2];
      p[i % 3] = 0.6;
      if (i % 7 === 0) p.reverse();
      rows.push(JSON.stringify({ label, p_cat: p[0], p_dog: p[1], p_eel: p[2] }));
    }
    await writeFile(join(dir, 'mc.jsonl'), rows.join('\n') + '\n');
    const result = await runEvaluate(fakeContext(dir), { predictions: 'mc.jsonl', task: 'multiclass', label: 'label', probaPrefix: 'p_', bootstrap: 50 });
    const data = result.data as unknown as Data;
    expect(data.confusionMatrix!.labels).toEqual(['cat', 'dog', 'eel']);
    expect(data.metrics.accuracy!.value).toBeCloseTo(data.confusionMatrix!.matrix.reduce((a, row, i) => a + row[i]!, 0) / 90, 12);
    expect(data.metrics.roc_auc_ovr!.value).toBeGreaterThan(0.5);
    expect(data.metrics.f1_macro!.ci).not.toBeNull();
    expect(Object.keys(data.charts)).toEqual(['confusion-matrix']);
  });

  it('regression: zero-variance labels give null r2 with a reason', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'r.csv'), 'y,yhat\n' + Array.from({ length: 20 }, (_, i) => `5,${5 + (i % 3) - 1}`).join('\n') + '\n');
    const result = await runEvaluate(fakeContext(dir), { predictions: 'r.csv', task: 'regression', label: 'y', prediction: 'yhat', bootstrap: 30, min: ['r2=0.1'], max: ['rmse=2'] });
    const data = result.data as unknown as Data;
    expect(data.metrics.r2!.value).toBeNull();
    expect(data.metrics.r2!.reason).toMatch(/zero variance/);
    expect(data.metrics.rmse!.value).toBeCloseTo(Math.sqrt(13 / 20), 12); // 7 rows off by -1, 6 by +1;
    expect(data.thresholds.map((t) => t.passed)).toEqual([false, true]);
    expect(result.status).toBe('failed');
  });
});

describe('evaluate step: more inputs', () => {
  it('reads Parquet, with weights, and matches the CSV run', async () => {
    if (!hasPythonModule('pyarrow')) return;
    const dir = await tempDir();
    await writeBinaryCsv(dir, 500);
    runPythonJson(
      `import sys, json, pyarrow.csv as c, pyarrow.parquet as q, pyarrow as pa
args = json.load(sys.stdin)
t = c.read_csv(args['csv'])
t = t.append_column('w', pa.array([1.0 + (i % 4) for i in range(t.num_rows)]))
q.write_table(t, args['out'])
c.write_csv(t, args['csv2'])
print('{}')`,
      { csv: join(dir, 'predictions.csv'), out: join(dir, 'p.parquet'), csv2: join(dir, 'w.csv') },
    );
    const options = { task: 'binary', label: 'label', score: 'score', weight: 'w', bootstrap: 50 };
    const fromParquet = (await runEvaluate(fakeContext(dir), { ...options, predictions: 'p.parquet' })).data as unknown as Data;
    const fromCsv = (await runEvaluate(fakeContext(dir), { ...options, predictions: 'w.csv' })).data as unknown as Data;
    expect(fromParquet.metrics).toEqual(fromCsv.metrics);
    expect(fromParquet.predictions.file).toBe('.modelci/evaluate/predictions.parquet');
    const unweighted = (await runEvaluate(fakeContext(dir), { ...options, weight: undefined, predictions: 'w.csv' })).data as unknown as Data;
    expect(fromParquet.metrics.log_loss!.value).not.toBe(unweighted.metrics.log_loss!.value);
  });

  it('multiclass from hard predictions only: classes are the union, probability metrics undefined', async () => {
    const dir = await tempDir();
    const rows = ['y,yhat'];
    for (let i = 0; i < 60; i++) rows.push(`${['a', 'b', 'c'][i % 3]},${['a', 'b', 'c', 'd'][(i * 7) % 4]}`);
    await writeFile(join(dir, 'hard.csv'), rows.join('\n') + '\n');
    const result = await runEvaluate(fakeContext(dir), { predictions: 'hard.csv', task: 'multiclass', label: 'y', prediction: 'yhat', bootstrap: 0 });
    const data = result.data as unknown as Data;
    expect(data.confusionMatrix!.labels).toEqual(['a', 'b', 'c', 'd']);
    expect(data.metrics.log_loss!.value).toBeNull();
    expect(data.metrics.roc_auc_ovr!.value).toBeNull();
    expect(data.metrics.accuracy!.value).toBeTypeOf('number');
  });
});
