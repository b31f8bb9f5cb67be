import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackage } from '../../shared/schema/package.js';
import { validateResource, type TableResource } from '../../shared/schema/package-validate.js';
import { ReferenceProbe, ReferenceSet } from '../../shared/schema/reference-set.js';
import { hasPythonModule, repoRoot, runPythonJson } from '../helpers/python.js';
import { cli, tempDir } from './helpers.js';

type Triple = [string, number | null, string];
interface Reference {
  case: string;
  resources?: { name: string; errors: Triple[]; rows: number }[];
  exception?: string;
}

const root = tempDir('modelci-fk-');
const int = (name: string) => ({ name, type: 'integer' });

/** Each case is a data package in its own folder: files and the resources' descriptors. */
const cases: { name: string; files: Record<string, string>; resources: Record<string, unknown>[] }[] = [
  {
    name: 'self-reference',
    files: { 'tree.csv': 'id,parent\n1,\n2,1\n3,5\n4,x\n5,4\n' },
    resources: [{ name: 'tree', path: 'tree.csv', schema: { fields: [int('id'), int('parent')], foreignKeys: [{ fields: 'parent', reference: { resource: '', fields: 'id' } }] } }],
  },
  {
    name: 'self-reference by name, composite, partial nulls',
    files: { 'pairs.csv': 'a,b,pa,pb\n1,1,,\n1,2,1,1\n2,,1,\n3,3,1,\n4,4,2,9\n' },
    resources: [{ name: 'pairs', path: 'pairs.csv', schema: { fields: [int('a'), int('b'), int('pa'), int('pb')], foreignKeys: [{ fields: ['pa', 'pb'], reference: { resource: 'pairs', fields: ['a', 'b'] } }] } }],
  },
  {
    name: 'across resources, with broken and empty referenced keys',
    files: { 'users.csv': 'id,name\n1,ann\nx,bob\n,cy\n3,dee\n', 'orders.csv': 'oid,user\n10,1\n11,2\n12,\n13,3\n14,x\n' },
    resources: [
      { name: 'users', path: 'users.csv', schema: { fields: [int('id'), { name: 'name' }] } },
      { name: 'orders', path: 'orders.csv', schema: { fields: [int('oid'), int('user')], foreignKeys: [{ fields: ['user'], reference: { resource: 'users', fields: ['id'] } }] } },
    ],
  },
  {
    name: 'numbers meet integers, strings do not',
    files: { 'prices.csv': 'amount,code\n1.0,1\n2.5,2\n', 'sales.csv': 'n,code\n1,1\n2,2\n3,3\n' },
    resources: [
      { name: 'prices', path: 'prices.csv', schema: { fields: [{ name: 'amount', type: 'number' }, { name: 'code', type: 'string' }] } },
      { name: 'sales', path: 'sales.csv', schema: { fields: [int('n'), int('code')], foreignKeys: [{ fields: 'n', reference: { resource: 'prices', fields: 'amount' } }, { fields: 'code', reference: { resource: 'prices', fields: 'code' } }] } },
    ],
  },
  {
    name: 'a key beside other errors in the row',
    files: { 'items.csv': 'id,kind\n1,a\n1,b\n2,q\n' },
    resources: [
      { name: 'kinds', path: 'kinds.csv', schema: { fields: [{ name: 'kind', constraints: { unique: true } }] } },
      { name: 'items', path: 'items.csv', schema: { fields: [{ ...int('id'), constraints: { unique: true } }, { name: 'kind' }], primaryKey: 'id', foreignKeys: [{ fields: 'kind', reference: { resource: 'kinds', fields: 'kind' } }] } },
    ],
  },
];
cases[4]!.files['kinds.csv'] = 'kind\na\nb\nb\n';

// Spilling: 6000 rows each pointing at the one before, a few pointing nowhere; a key budget of
// 100 sends both the referenced keys and the lookups to the hash partitions.
const broken = new Set([1500, 4000, 5999]);
const chain = Array.from({ length: 6000 }, (_, i) => `${i + 1},${i === 0 ? '' : broken.has(i) ? 100000 + i : i}`).join('\n');
cases.push({
  name: 'spill',
  files: { 'chain.csv': `id,prev\n${chain}\n` },
  resources: [{ name: 'chain', path: 'chain.csv', schema: { fields: [int('id'), int('prev')], foreignKeys: [{ fields: ['prev'], reference: { resource: '', fields: ['id'] } }] } }],
});

function folderOf(name: string): string {
  return join(root, name.replace(/[^a-z]+/g, '-'));
}

for (const item of cases) {
  const dir = folderOf(item.name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(item.files)) writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, 'datapackage.json'), JSON.stringify({ name: 'p', resources: item.resources }, null, 2));
}

async function ours(name: string, keyBudget?: number) {
  const described = await loadPackage(join(folderOf(name), 'datapackage.json'));
  const tables: TableResource[] = described.resources.map((resource) => ({ name: resource.name, paths: resource.paths, schema: resource.schema, read: resource.read }));
  const out = [];
  for (const table of tables) {
    const report = await validateResource(table, tables, { maxErrors: 100000, ...(keyBudget ? { keyBudget } : {}) });
    out.push({ name: table.name, errors: report.errors.map((e): Triple => [e.code, e.rowNumber ?? null, e.fieldName ?? '']), rows: report.rowCount, count: report.errorCount });
  }
  return out;
}

describe('foreign keys against frictionless-py', () => {
  const available = hasPythonModule('frictionless');
  const reference = available
    ? runPythonJson<Reference[]>(readFileSync(join(repoRoot, 'test/validate-data/frictionless_package.py'), 'utf8'), cases.map((item) => ({ case: item.name, package: join(folderOf(item.name), 'datapackage.json') })))
    : [];

  for (const item of cases) {
    it.skipIf(!available)(`${item.name}: the same errors`, async () => {
      const expected = reference.find((entry) => entry.case === item.name)!;
      expect(expected.exception).toBeUndefined();
      const actual = await ours(item.name);
      expect(actual.map(({ name, errors, rows }) => ({ name, errors, rows }))).toEqual(expected.resources);
    });
  }

  it.skipIf(!available)('spilled to disk (key budget 100), the same rows fail as in memory and in frictionless-py', async () => {
    const expected = reference.find((entry) => entry.case === 'spill')!;
    const spilled = await ours('spill', 100);
    expect(spilled[0]!.errors).toEqual(expected.resources![0]!.errors);
    expect(spilled[0]!.errors.map((e) => e[1])).toEqual([1502, 4002, 6001]);
  });
});

describe('reference sets in bounded memory', () => {
  it('spills past the budget and answers lookups at the end', () => {
    const set = new ReferenceSet(1000);
    for (let i = 0; i < 50_000; i++) set.add(i % 2 === 0 ? i : `s${i}`);
    expect(set.spilled).toBe(true);
    const probe = new ReferenceProbe(set);
    const asked: number[] = [];
    for (let i = 0; i < 60_000; i += 7) {
      expect(probe.check(i % 2 === 0 ? i : `s${i}`, i + 2)).toBeUndefined();
      asked.push(i);
    }
    const missing = asked.filter((i) => i >= 50_000).map((i) => i + 2);
    const found = probe.finish(10);
    expect(found.count).toBe(missing.length);
    expect(found.rows).toEqual(missing.slice(0, 10));
    set.dispose();
  });
});

describe('bad foreign keys are refused (exit 2, naming the file)', () => {
  const run = async (name: string, resources: Record<string, unknown>[], files: Record<string, string>) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    writeFileSync(join(dir, 'datapackage.json'), JSON.stringify({ resources }, null, 2));
    return cli(dir, ['validate-data', '--package', 'datapackage.json']);
  };
  const data = { 'a.csv': 'id,parent\n1,\n' };
  const fields = [int('id'), int('parent')];

  it('a key on a field the schema lacks', async () => {
    const result = await run('unknown-field', [{ name: 'a', path: 'a.csv', schema: { fields, foreignKeys: [{ fields: 'nope', reference: { resource: '', fields: 'id' } }] } }], data);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('datapackage.json');
    expect(result.stderr).toContain("names 'nope', which is not a field");
  });

  it('a reference to a field the referenced resource lacks', async () => {
    const result = await run('unknown-reference-field', [{ name: 'a', path: 'a.csv', schema: { fields, foreignKeys: [{ fields: 'parent', reference: { resource: '', fields: 'nope' } }] } }], data);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("refers to field 'nope'");
  });

  it('a reference to a resource the package lacks', async () => {
    const result = await run('unknown-resource', [{ name: 'a', path: 'a.csv', schema: { fields, foreignKeys: [{ fields: 'parent', reference: { resource: 'b', fields: 'id' } }] } }], data);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("resource 'b', which the data package does not have");
    expect(result.stderr).toContain('datapackage.json');
  });
});
