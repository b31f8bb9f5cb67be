import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMetrics, readMetricsFile, type MetricsFormat } from '../../shared/train/metrics.js';
import { flatten, unflatten } from '../../shared/train/flatten.js';
import { jsonErrorOffset } from '../../shared/train/json-error.js';
import { tempDir } from './helpers.js';

describe('metrics files', () => {
  it.each<{ name: string; format: MetricsFormat | undefined; text: string; expected: Record<string, unknown> }>([
    { name: 'flat JSON', format: 'json', text: '{"accuracy": 0.91, "f1": 0.8}', expected: { accuracy: 0.91, f1: 0.8 } },
    {
      name: 'DVC-style nested JSON, flattened with dots',
      format: 'json',
      text: '{"train": {"loss": 0.3}, "test": {"roc_auc": 0.95, "by_class": {"yes": {"recall": 0.7}}}}',
      expected: { 'train.loss': 0.3, 'test.roc_auc': 0.95, 'test.by_class.yes.recall': 0.7 },
    },
    { name: "Python's NaN and Infinity", format: 'json', text: '{"log_loss": NaN, "max": Infinity, "min": -Infinity, "s": "NaN"}', expected: { log_loss: null, max: Infinity, min: -Infinity, s: 'NaN' } },
    { name: 'arrays are not metrics and are dropped', format: 'json', text: '{"accuracy": 1, "roc_curve": [[0, 0], [1, 1]]}', expected: { accuracy: 1 } },
    { name: 'strings and booleans are kept', format: 'json', text: '{"model": "lr", "converged": true}', expected: { model: 'lr', converged: true } },
    { name: 'nested YAML', format: 'yaml', text: 'test:\n  accuracy: 0.9\n  rmse: .nan\nepochs: 20\n', expected: { 'test.accuracy': 0.9, 'test.rmse': NaN, epochs: 20 } },
    { name: 'wide CSV: header + one row', format: 'csv', text: 'accuracy,roc_auc,model\n0.9,0.95,lr\n', expected: { accuracy: 0.9, roc_auc: 0.95, model: 'lr' } },
    { name: 'long CSV: name,value rows', format: 'csv', text: 'name,value\naccuracy,0.9\ntest.f1,0.8\nlog_loss,nan\n', expected: { accuracy: 0.9, 'test.f1': 0.8, log_loss: null } },
    { name: 'long CSV with metric,value header, CRLF and quotes', format: 'csv', text: 'metric,value\r\n"accuracy",0.9\r\n"a, b",1e-3\r\n', expected: { accuracy: 0.9, 'a, b': 0.001 } },
    { name: 'TSV', format: 'tsv', text: 'accuracy\tf1\n0.5\t0.25\n', expected: { accuracy: 0.5, f1: 0.25 } },
    { name: 'unknown extension, JSON content', format: undefined, text: '{"a": {"b": 1}}', expected: { 'a.b': 1 } },
    { name: 'unknown extension, YAML content', format: undefined, text: 'a: 1\n', expected: { a: 1 } },
  ])('parses $name', ({ format, text, expected }) => {
    expect(parseMetrics(text, format, 'metrics')).toEqual(expected);
  });

  it.each<{ name: string; format: MetricsFormat; text: string; code: string; line?: number; column?: number }>([
    { name: 'broken JSON, with line and column', format: 'json', text: '{\n  "accuracy": 0.9,\n  "f1": }\n', code: 'train-metrics-invalid', line: 3, column: 9 },
    { name: 'truncated JSON', format: 'json', text: '{"accuracy": 0.9', code: 'train-metrics-invalid', line: 1, column: 17 },
    { name: 'a JSON array', format: 'json', text: '[1, 2]', code: 'train-metrics-shape' },
    { name: 'broken YAML', format: 'yaml', text: 'a: [1, 2\n', code: 'train-metrics-invalid', line: 2 },
    { name: 'a wide CSV with two data rows', format: 'csv', text: 'a,b\n1,2\n3,4\n', code: 'train-metrics-shape', line: 3 },
    { name: 'a wide CSV with a short row', format: 'csv', text: 'a,b\n1\n', code: 'train-metrics-shape', line: 2 },
    { name: 'an empty CSV', format: 'csv', text: '', code: 'train-metrics-shape' },
  ])('rejects $name', ({ format, text, code, line, column }) => {
    let caught: unknown;
    try {
      parseMetrics(text, format, 'm');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ kind: 'rejected', code });
    const location = (caught as { location?: { line?: number; column?: number } }).location;
    if (line !== undefined) expect(location?.line).toBe(line);
    if (column !== undefined) expect(location?.column).toBe(column);
  });

  it('reads files by extension and names a missing one', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'scores.yml'), 'accuracy: 0.75\n');
      expect(await readMetricsFile(join(dir.path, 'scores.yml'), 'scores.yml')).toEqual({ accuracy: 0.75 });
      await expect(readMetricsFile(join(dir.path, 'nope.json'), 'nope.json')).rejects.toMatchObject({ code: 'train-metrics-missing', location: { file: 'nope.json' } });
    } finally {
      await dir.cleanup();
    }
  });
});

describe('flatten', () => {
  it('round-trips nested params', () => {
    const nested = { lr: 0.1, model: { depth: 3, layers: [64, 32], opt: { name: 'adam' } } };
    const flat = flatten(nested, { keepArrays: true });
    expect(flat).toEqual({ lr: 0.1, 'model.depth': 3, 'model.layers': [64, 32], 'model.opt.name': 'adam' });
    expect(unflatten(flat)).toEqual(nested);
  });

  it('locates JSON errors', () => {
    expect(jsonErrorOffset('{"a": 1}')).toBeUndefined();
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
  });
});
