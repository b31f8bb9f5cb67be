import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasPythonModule, repoRoot, runPythonJson } from '../helpers/python.js';
import { cli, tempDir } from './helpers.js';

type Triple = [string, number | null, string];
interface Reference {
  case: string;
  resources?: { name: string; errors: Triple[]; rows: number }[];
  exception?: string;
}
interface ResourceResult {
  name: string;
  data: string[];
  rowCount: number;
  errors: { code: string; rowNumber?: number; fieldName?: string }[];
}

const root = tempDir('modelci-package-');
const V2 = 'https://datapackage.org/profiles/2.0/datapackage.json';
const users = { fields: [{ name: 'id', type: 'integer', constraints: { required: true, unique: true } }, { name: 'name', type: 'string' }], primaryKey: 'id' };

const cases: { name: string; files: Record<string, string>; descriptor: Record<string, unknown> }[] = [
  {
    name: 'v1: inline and file schemas, a dialect per resource, a key across them',
    files: {
      'users.csv': 'id,name\n1,ann\n2,bob\n2,cy\n',
      'users.schema.json': JSON.stringify(users),
      'scores.csv': 'user;score\n1;0.5\n3;0.7\n2;high\n',
    },
    descriptor: {
      name: 'scores',
      resources: [
        { name: 'users', path: 'users.csv', schema: 'users.schema.json' },
        {
          name: 'scores',
          path: 'scores.csv',
          dialect: { delimiter: ';' },
          schema: { fields: [{ name: 'user', type: 'integer' }, { name: 'score', type: 'number' }], foreignKeys: [{ fields: 'user', reference: { resource: 'users', fields: 'id' } }] },
        },
      ],
    },
  },
  {
    name: 'a multi-file resource: one table, the header from the first part',
    files: { 'part1.csv': 'id,v\n1,a\n2,b\n', 'part2.csv': 'id,v\n3,c\nx,d\n', 'part3.csv': 'id,v\n5,\n' },
    descriptor: { resources: [{ name: 'parts', path: ['part1.csv', 'part2.csv', 'part3.csv'], schema: { fields: [{ name: 'id', type: 'integer' }, { name: 'v', constraints: { required: true } }] } }] },
  },
  {
    name: 'v2: a package with a v2 profile',
    files: { 'events.csv': 'day,n\n2024-01-01,1\n2024-13-01,2\n,3\n' },
    descriptor: { $schema: V2, resources: [{ name: 'events', path: 'events.csv', schema: { fields: [{ name: 'day', type: 'date' }, { name: 'n', type: 'integer', constraints: { maximum: 2 } }] } }] },
  },
];

function folderOf(name: string): string {
  return join(root, name.replace(/[^a-z0-9]+/g, '-'));
}

for (const item of cases) {
  const dir = folderOf(item.name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(item.files)) writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, 'datapackage.json'), JSON.stringify(item.descriptor, null, 2));
}

describe('data packages against frictionless-py', () => {
  const available = hasPythonModule('frictionless');
  const reference = available
    ? runPythonJson<Reference[]>(readFileSync(join(repoRoot, 'test/validate-data/frictionless_package.py'), 'utf8'), cases.map((item) => ({ case: item.name, package: join(folderOf(item.name), 'datapackage.json') })))
    : [];

  for (const item of cases) {
    it.skipIf(!available)(`${item.name}: the same errors, resource by resource`, async () => {
      const expected = reference.find((entry) => entry.case === item.name)!;
      expect(expected.exception).toBeUndefined();
      const run = await cli(folderOf(item.name), ['validate-data', '--package', 'datapackage.json', '--format', 'json']);
      const resources = run.json!.resources as ResourceResult[];
      const actual = resources.map((resource) => ({ name: resource.name, errors: resource.errors.map((e): Triple => [e.code, e.rowNumber ?? null, e.fieldName ?? '']), rows: resource.rowCount }));
      expect(actual).toEqual(expected.resources);
      expect(run.code).toBe(expected.resources!.every((resource) => resource.errors.length === 0) ? 0 : 1);
    });
  }
});

describe('the package result and evidence', () => {
  it('lists each resource and digests every file it read', async () => {
    const dir = folderOf(cases[0]!.name);
    const run = await cli(dir, ['validate-data', '--package', 'datapackage.json', '--format', 'json']);
    expect(run.code).toBe(1);
    const evidence = JSON.parse(await readFile(run.json!.evidence as string, 'utf8'));
    expect(evidence.inputs.map((input: { path: string }) => input.path).sort()).toEqual(['datapackage.json', 'scores.csv', 'users.csv', 'users.schema.json']);
    const result = evidence.result as { package: string; rowCount: number; resources: (ResourceResult & { schema: string })[] };
    expect(result.package).toBe('datapackage.json');
    expect(result.rowCount).toBe(6);
    expect(result.resources.map((resource) => [resource.name, resource.data, resource.schema, resource.rowCount])).toEqual([
      ['users', ['users.csv'], 'users.schema.json', 3],
      ['scores', ['scores.csv'], 'datapackage.json#resources[1].schema', 3],
    ]);
    expect(evidence.summary).toBe('datapackage.json: users: 2 errors in 3 rows; scores: 2 errors in 3 rows');
  });
});

describe('bad packages are refused (exit 2, naming the file)', () => {
  const run = async (name: string, descriptor: unknown, files: Record<string, string> = {}) => {
    const dir = join(root, `bad-${name}`);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    writeFileSync(join(dir, 'datapackage.json'), JSON.stringify(descriptor, null, 2));
    return cli(dir, ['validate-data', '--package', 'datapackage.json']);
  };
  const schema = { fields: [{ name: 'id', type: 'integer' }] };

  it('a path with ..', async () => {
    const result = await run('dotdot', { resources: [{ name: 'a', path: '../a.csv', schema }] });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('datapackage.json');
    expect(result.stderr).toContain("path '../a.csv' is not safe");
  });

  it('an absolute path', async () => {
    const result = await run('absolute', { resources: [{ name: 'a', path: '/etc/passwd', schema }] });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not safe');
  });

  it('an empty package', async () => {
    const result = await run('empty', { resources: [] });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('datapackage.json');
    expect(result.stderr).toContain('has no resources');
  });

  it('a resource file that is missing', async () => {
    const result = await run('missing', { resources: [{ name: 'a', path: 'a.csv', schema }] });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('data file not found: a.csv');
  });

  it('a resource without a schema', async () => {
    const result = await run('no-schema', { resources: [{ name: 'a', path: 'a.csv' }] }, { 'a.csv': 'id\n1\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("resource 'a' has no schema");
  });

  it('--package beside --data', async () => {
    const dir = join(root, 'bad-both');
    mkdirSync(dir, { recursive: true });
    const result = await cli(dir, ['validate-data', '--package', 'datapackage.json', '--data', 'a.csv']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('either --package or --data');
  });
});
