import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../shared/schema/load.js';
import { validateTable, type CheckResult } from '../../shared/schema/validate.js';
import { hasPythonModule, pythonPath } from '../helpers/python.js';
import { tempDir } from './helpers.js';

const dir = tempDir('modelci-checks-');
function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const schemaOf = (descriptor: unknown) => parseSchema('schema.json', JSON.stringify(descriptor));
const check = (checks: CheckResult[], name: string, field?: string) => checks.find((c) => c.name === name && c.field === field);

describe('dataset checks (x-modelci)', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  const rows = values.map((v, i) => `${v},${i < 5 ? '' : 'x'},${i % 10 === 0 ? 'bad' : String(v / 10)}`);
  const data = write('stats.csv', `n,s,f\n${rows.join('\n')}\n52,x,5.2\n`);

  it.each([
    { name: 'row count in range', extra: { rowCount: { min: 50, max: 200 } }, field: {}, check: 'row-count', status: 'passed', observed: 101 },
    { name: 'row count too low', extra: { rowCount: { min: 500 } }, field: {}, check: 'row-count', status: 'failed', observed: 101 },
    { name: 'duplicate rows over the limit', extra: { maxDuplicateRows: 0 }, field: {}, check: 'duplicate-rows', status: 'failed', observed: 1 },
    { name: 'duplicate rows within the limit', extra: { maxDuplicateRows: 1 }, field: {}, check: 'duplicate-rows', status: 'passed', observed: 1 },
    { name: 'null fraction', extra: {}, field: { s: { maxNullFraction: 0.01 } }, check: 'null-fraction', on: 's', status: 'failed', observed: 0.0495050 },
    { name: 'mean in range', extra: {}, field: { n: { mean: { min: 49, max: 51 } } }, check: 'mean', on: 'n', status: 'passed', observed: 50.5149 },
    { name: 'min and max', extra: {}, field: { n: { min: { min: 1 }, max: { max: 99 } } }, check: 'max', on: 'n', status: 'failed', observed: 100 },
    { name: 'median (numpy linear interpolation)', extra: {}, field: { n: { quantiles: [{ q: 0.5, min: 50, max: 51 }] } }, check: 'quantile', on: 'n', status: 'passed', observed: 51 },
  ])('$name', async ({ extra, field, check: name, on, status, observed }) => {
    const fields = [
      { name: 'n', type: 'integer', ...(field.n ? { 'x-modelci': field.n } : {}) },
      { name: 's', type: 'string', ...(field.s ? { 'x-modelci': field.s } : {}) },
      { name: 'f', type: 'string' },
    ];
    const report = await validateTable(data, schemaOf({ fields, 'x-modelci': extra }));
    const result = check(report.checks, name, on);
    expect(result).toMatchObject({ status });
    expect(result!.observed).toBeCloseTo(observed, 3);
  });

  it('mostly (Great Expectations): tolerates a fraction of failing non-null values, and reports them when over', async () => {
    // f: 10 of 101 values are 'bad' -> pass rate 0.901 over non-null values.
    const lenient = await validateTable(data, schemaOf({ fields: [{ name: 'n', type: 'integer' }, { name: 's' }, { name: 'f', type: 'number', 'x-modelci': { mostly: 0.9 } }] }));
    expect(lenient.errorCount).toBe(0);
    expect(check(lenient.checks, 'mostly', 'f')).toMatchObject({ status: 'passed', count: 10 });
    const strict = await validateTable(data, schemaOf({ fields: [{ name: 'n', type: 'integer' }, { name: 's' }, { name: 'f', type: 'number', 'x-modelci': { mostly: 0.95 } }] }));
    expect(strict.errorCount).toBe(10);
    expect(strict.errors[0]).toMatchObject({ code: 'type-error', rowNumber: 2, fieldName: 'f', cell: 'bad' });
    expect(check(strict.checks, 'mostly', 'f')).toMatchObject({ status: 'failed' });
  });

  it('uniqueKeys ignore keys with a null, as SQL does', async () => {
    const path = write('keys.csv', 'a,b\n1,x\n1,\n1,\n1,x\n');
    const report = await validateTable(path, schemaOf({ fields: [{ name: 'a', type: 'integer' }, { name: 'b' }], uniqueKeys: [['a', 'b']] }));
    expect(report.errors.map((e) => [e.code, e.rowNumber, e.fieldName])).toEqual([['unique-error', 5, 'a, b']]);
  });
});

describe('uniqueness in bounded memory', () => {
  it('finds the same duplicates after spilling key hashes to disk as in memory', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => (i === 4000 ? 17 : i === 4500 ? 3999 : i));
    const path = write('spill.csv', `id,s\n${ids.map((id) => `${id},v${id}`).join('\n')}\n`);
    const schema = schemaOf({ fields: [{ name: 'id', type: 'integer', constraints: { unique: true } }, { name: 's', constraints: { unique: true } }], primaryKey: ['id', 's'] });
    const inMemory = await validateTable(path, schema);
    const spilled = await validateTable(path, schema, { keyBudget: 100 });
    const triples = (report: typeof inMemory) => report.errors.map((e) => [e.code, e.rowNumber, e.fieldName ?? '', e.note]);
    expect(inMemory.errorCount).toBe(6);
    expect(triples(spilled)).toEqual(triples(inMemory));
    expect(spilled.errorCount).toBe(inMemory.errorCount);
    expect(triples(inMemory)[0]).toEqual(['unique-error', 4002, 'id', 'the same as in the row at position 19']);
  });
});

describe('other formats', () => {
  const schema = schemaOf({ fields: [{ name: 'id', type: 'integer' }, { name: 'score', type: 'number', constraints: { maximum: 1 } }, { name: 'day', type: 'date' }] });

  it('gzip CSV', async () => {
    const report = await validateTable(write('t.csv.gz', gzipSync('id,score,day\n1,0.5,2024-01-02\n2,1.5,2024-01-03\n')), schema);
    expect(report.errors.map((e) => [e.code, e.rowNumber, e.fieldName])).toEqual([['constraint-error', 3, 'score']]);
  });

  it('JSON Lines with typed values', async () => {
    const report = await validateTable(write('t.jsonl', '{"id": 1, "score": 0.5, "day": "2024-01-02"}\n{"id": 2.5, "score": 2, "day": "2024-13-01"}\n'), schema);
    expect(report.errors.map((e) => [e.code, e.rowNumber, e.fieldName, e.line])).toEqual([
      ['type-error', 3, 'id', 2],
      ['constraint-error', 3, 'score', 2],
      ['type-error', 3, 'day', 2],
    ]);
  });

  it.skipIf(!hasPythonModule('pyarrow'))('Parquet written by pyarrow', async () => {
    const path = join(dir, 't.parquet');
    execFileSync(pythonPath(), ['-c', `
import pyarrow as pa, pyarrow.parquet as pq, datetime, sys
pq.write_table(pa.table({'id': pa.array([1, 2, None], pa.int64()), 'score': [0.5, 3.0, 0.1], 'day': [datetime.date(2024, 1, 2)] * 3}), sys.argv[1])
`, path]);
    const report = await validateTable(path, schemaOf({ fields: [{ name: 'id', type: 'integer', constraints: { required: true } }, { name: 'score', type: 'number', constraints: { maximum: 1 } }, { name: 'day', type: 'date' }] }));
    expect(report.errors.map((e) => [e.code, e.rowNumber, e.fieldName])).toEqual([
      ['constraint-error', 3, 'score'],
      ['constraint-error', 4, 'id'],
    ]);
  });
});
