import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDriftSection, decideFailure, driftOptionsFromInputs, driftOptionsSchema, driftOutputs, runDrift } from '../../shared/drift/index.js';
import { ModelciError } from '../../shared/errors.js';
import { categories, normal, rng } from '../stats/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'modelci-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, header: string[], rows: Array<Array<string | number>>): string {
  const path = join(dir, name);
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

function columnsToRows(columns: Array<Array<string | number>>): Array<Array<string | number>> {
  return columns[0]!.map((_, i) => columns.map((c) => c[i]!));
}

describe('runDrift on files', () => {
  it('known case: reference 0..99 vs +10 gives KS D = 0.1, p = 0.702057', async () => {
    const ref = csv('ks-ref.csv', ['x'], [...Array(100).keys()].map((x) => [x]));
    const cur = csv('ks-cur.csv', ['x'], [...Array(100).keys()].map((x) => [x + 10]));
    const run = await runDrift({ reference: ref, current: cur, options: { method: 'ks' } });
    const column = run.drift.columns[0]!;
    expect(column).toMatchObject({ name: 'x', type: 'numeric', method: 'ks', threshold: 0.05, drifted: false, approximate: false });
    expect(column.statistic).toBeCloseTo(0.1, 12);
    expect(column.pValue!.toFixed(6)).toBe('0.702057');
    // auto on 100 rows with >5 values is KS as well
    const auto = await runDrift({ reference: ref, current: cur });
    expect(auto.drift.columns[0]!.method).toBe('ks');
  });

  it('known case: a/b/c = 50/30/20 vs 40/35/25 gives chi-square 4.083333, p = 0.129812', async () => {
    const ref = csv('chi-ref.csv', ['c'], [...Array(50).fill(['a']), ...Array(30).fill(['b']), ...Array(20).fill(['c'])]);
    const cur = csv('chi-cur.csv', ['c'], [...Array(40).fill(['a']), ...Array(35).fill(['b']), ...Array(25).fill(['c'])]);
    const run = await runDrift({ reference: ref, current: cur });
    const column = run.drift.columns[0]!;
    expect(column).toMatchObject({ type: 'categorical', method: 'chisquare', drifted: false });
    expect(column.statistic!.toFixed(6)).toBe('4.083333');
    expect(column.pValue!.toFixed(6)).toBe('0.129812');
  });

  const r = rng(7);
  const n = 1500;
  const refColumns = [
    normal(r, n).map((x) => x.toFixed(4)),
    normal(r, n, 50, 10).map((x) => x.toFixed(2)),
    categories(r, n, ['red', 'green', 'blue'], [5, 3, 2]),
    Array<string>(n).fill(''),
    Array<string>(n).fill('3'),
    [...Array(n).keys()].map((i) => `id-${i}`),
  ];
  const curColumns = [
    normal(r, n, 1).map((x) => x.toFixed(4)),
    normal(r, n, 50, 10).map((x) => x.toFixed(2)),
    categories(r, n, ['red', 'green', 'blue', 'purple'], [2, 3, 2, 3]),
    Array<string>(n).fill(''),
    Array<string>(n).fill('3'),
    [...Array(n).keys()].map((i) => `id-${i + n}`),
  ];
  const header = ['shifted', 'stable', 'colour', 'empty', 'constant', 'id'];
  const reference = csv('ref.csv', header, columnsToRows(refColumns));
  const current = csv('cur.csv', [...header, 'extra'], columnsToRows([...curColumns, Array<string>(n).fill('1')]));

  it('types columns, picks methods as Evidently, and sorts the table by severity', async () => {
    const run = await runDrift({ reference, current, options: { ignore: ['id'] } });
    const byName = Object.fromEntries(run.drift.columns.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['colour', 'constant', 'empty', 'shifted', 'stable']);
    expect(byName.shifted).toMatchObject({ type: 'numeric', method: 'wasserstein', drifted: true, threshold: 0.1, pValue: null });
    expect(byName.stable).toMatchObject({ type: 'numeric', method: 'wasserstein', drifted: false });
    expect(byName.colour).toMatchObject({ type: 'categorical', method: 'jensenshannon', drifted: true });
    expect(byName.constant).toMatchObject({ type: 'numeric', method: 'jensenshannon', drifted: false, statistic: 0 });
    expect(byName.empty).toMatchObject({ method: null, drifted: false, note: 'no values in the reference' });
    // two of four compared columns drifted: share 0.5 >= 0.5 is dataset drift
    expect(run.drift).toMatchObject({ datasetDrift: true, share: 0.5, comparedColumns: 4, driftedColumns: 2 });
    expect(run.failed).toBe(true);
    expect(driftOutputs(run.drift)).toEqual({ 'drift-detected': 'true', 'drift-share': '0.5', 'drifted-columns': `${run.drift.columns[0]!.name},${run.drift.columns[1]!.name}` });
    // drifted first, worst first
    expect(run.drift.columns.slice(0, 2).map((c) => c.drifted)).toEqual([true, true]);
    expect(run.drift.columns.at(-1)!.name).toBe('empty');
    const tableRows = run.markdown.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Column') && !line.startsWith('| ---'));
    expect(tableRows.map((line) => line.split('|')[1]!.trim())).toEqual(run.drift.columns.map((c) => c.name));
  });

  it('draws Mermaid xychart-beta histograms for the worst columns', async () => {
    const run = await runDrift({ reference, current, options: { ignore: ['id'], charts: 2 } });
    const blocks = run.markdown.match(/```mermaid\nxychart-beta[\s\S]*?```/g) ?? [];
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain(run.drift.columns[0]!.name);
    expect(blocks.join('\n')).toMatch(/ {2}bar \[/);
    expect(blocks.join('\n')).toMatch(/ {2}line \[/);
  });

  it.each([
    { failOn: 'dataset' as const, failColumns: [], expected: true },
    { failOn: 'any' as const, failColumns: [], expected: true },
    { failOn: 'columns' as const, failColumns: ['stable'], expected: false },
    { failOn: 'columns' as const, failColumns: ['colour'], expected: true },
    { failOn: 'never' as const, failColumns: [], expected: false },
  ])('failOn $failOn $failColumns -> failed $expected', async ({ failOn, failColumns, expected }) => {
    const run = await runDrift({ reference, current, options: { ignore: ['id'], failOn, failColumns } });
    expect(run.failed).toBe(expected);
  });

  it('raises the share for dataset drift when configured', async () => {
    const run = await runDrift({ reference, current, options: { ignore: ['id'], share: 0.75 } });
    expect(run.drift.datasetDrift).toBe(false);
    expect(decideFailure(run.drift, { failOn: 'dataset', failColumns: [] })).toBe(false);
  });

  it('takes types from a Table Schema and per-column methods and thresholds', async () => {
    const run = await runDrift({
      reference,
      current,
      schema: { fields: [{ name: 'constant', type: 'string' }] },
      options: { columns: ['shifted', 'constant'], methods: { shifted: 'psi' }, thresholds: { shifted: 5 } },
    });
    const byName = Object.fromEntries(run.drift.columns.map((c) => [c.name, c]));
    expect(byName.constant).toMatchObject({ type: 'categorical' });
    expect(byName.shifted).toMatchObject({ method: 'psi', threshold: 5, drifted: false });
  });

  it('leaves out date/time columns of the schema unless listed', async () => {
    const schema = { fields: [{ name: 'colour', type: 'date' }] };
    const run = await runDrift({ reference, current, schema, options: { ignore: ['id'] } });
    expect(run.drift.columns.map((c) => c.name)).not.toContain('colour');
    const listed = await runDrift({ reference, current, schema, options: { columns: ['colour'] } });
    expect(listed.drift.columns[0]).toMatchObject({ name: 'colour', type: 'categorical' });
  });

  it('compares as categories a column that is numeric in one file and text in the other', async () => {
    const ref = csv('mixed-ref.csv', ['v'], [...Array(2000).keys()].map((i) => [String(i % 1500)]));
    const cur = csv('mixed-cur.csv', ['v'], [...Array(2000).keys()].map((i) => [i % 2 ? 'n/a-ish' : String(i % 1500)]));
    const run = await runDrift({ reference: ref, current: cur });
    expect(run.drift.columns[0]).toMatchObject({ type: 'categorical', method: 'jensenshannon', referenceCount: 2000, currentCount: 2000 });
  });

  it('rejects a listed column missing from a file with the file and a hint', async () => {
    const error = await runDrift({ reference, current, options: { columns: ['extra'] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelciError);
    expect((error as ModelciError).exitCode).toBe(2);
    expect((error as ModelciError).message).toContain(reference);
  });

  it('reads JSON Lines: numbers stay numeric, booleans are categories', async () => {
    const g = rng(3);
    const lines = (shift: number) =>
      normal(g, 400, shift).map((x, i) => JSON.stringify({ x, flag: i % 3 === 0, note: i % 50 === 0 ? null : 'n' })).join('\n') + '\n';
    const ref = join(dir, 'ref.jsonl');
    const cur = join(dir, 'cur.jsonl');
    writeFileSync(ref, lines(0));
    writeFileSync(cur, lines(2));
    const run = await runDrift({ reference: ref, current: cur });
    const byName = Object.fromEntries(run.drift.columns.map((c) => [c.name, c]));
    expect(byName.x).toMatchObject({ type: 'numeric', method: 'ks', drifted: true });
    expect(byName.flag).toMatchObject({ type: 'categorical', method: 'z', drifted: false });
    expect(byName.note).toMatchObject({ type: 'categorical', referenceCount: 392 });
  });

  it('switches to the KLL sketch above sketchAbove and says approximate with the bound', async () => {
    const run = await runDrift({ reference, current, options: { columns: ['shifted', 'colour'], sketchAbove: 1000, sketchK: 64 } });
    const shifted = run.drift.columns.find((c) => c.name === 'shifted')!;
    expect(shifted).toMatchObject({ approximate: true, method: 'wasserstein', drifted: true });
    expect(shifted.rankErrorBound).toBeGreaterThan(0.01);
    expect(run.drift.columns.find((c) => c.name === 'colour')).toMatchObject({ approximate: false });
    expect(run.markdown).toContain('wasserstein (approximate)');
    expect(run.markdown).toMatch(/KLL sketch, rank error ≤ 0\.0\d+/);
  });

  it('escapes column names in markdown', async () => {
    const ref = csv('esc-ref.csv', ['a|b<script>'], [[1], [2], [3]]);
    const cur = csv('esc-cur.csv', ['a|b<script>'], [[1], [2], [4]]);
    const run = await runDrift({ reference: ref, current: cur });
    expect(run.markdown).toContain('a\\|b&lt;script\\>');
    expect(run.markdown).not.toContain('<script>');
  });

  it('serializes to the documented JSON shape', async () => {
    const run = await runDrift({ reference, current, options: { ignore: ['id'] } });
    const json = JSON.parse(JSON.stringify({ drift: run.drift })) as { drift: Record<string, unknown> };
    expect(Object.keys(json.drift)).toEqual(expect.arrayContaining(['datasetDrift', 'share', 'columns']));
    for (const column of json.drift.columns as Array<Record<string, unknown>>) {
      expect(Object.keys(column)).toEqual(expect.arrayContaining(['name', 'type', 'method', 'statistic', 'pValue', 'threshold', 'drifted', 'approximate']));
    }
  });
});

describe('drift options', () => {
  it('defaults as Evidently', () => {
    expect(driftOptionsSchema.parse({})).toMatchObject({ method: 'auto', share: 0.5, failOn: 'dataset', sketchAbove: 10_000_000 });
  });
  it('rejects unknown keys and methods', () => {
    expect(() => driftOptionsSchema.parse({ metod: 'ks' })).toThrow();
    expect(() => driftOptionsSchema.parse({ method: 'kolmogorov' })).toThrow();
  });
  it('names the file and the key of a bad drift section', () => {
    expect(checkDriftSection({ method: 'ks', share: 0.6 }, 'schema.yaml')).toEqual({ method: 'ks', share: 0.6 });
    expect(checkDriftSection(undefined, 'schema.yaml')).toEqual({});
    const error = (() => {
      try {
        checkDriftSection({ thresholds: { age: -1 } }, 'schema.yaml');
      } catch (e) {
        return e as ModelciError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ModelciError);
    expect(error!.message).toMatch(/^drift\.thresholds\.age in schema\.yaml: /);
    expect(error!.exitCode).toBe(2);
  });

  it('lets step flags override the config section', () => {
    const options = driftOptionsFromInputs({ driftMethod: 'psi', driftFailOn: 'any', driftIgnore: ['id'] }, { method: 'ks', share: 0.3, ignore: ['ts'] });
    expect(options).toMatchObject({ method: 'psi', share: 0.3, failOn: 'any', ignore: ['ts', 'id'] });
  });
});
