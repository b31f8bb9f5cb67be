import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './helpers.js';

const SCHEMA = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
    { name: 'score', type: 'number', constraints: { minimum: 0, maximum: 1 } },
    { name: 'color', type: 'string', constraints: { enum: ['red', 'green'] } },
  ],
};

function project(data: string, schema: unknown = SCHEMA, schemaName = 'schema.json'): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'data.csv'), data);
  writeFileSync(join(dir, schemaName), typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2));
  return dir;
}

describe('modelci validate-data', () => {
  it('exits 0 on valid data and prints {status, rowCount, errorCount, errors, checks}', async () => {
    const dir = project('id,score,color\n1,0.5,red\n2,1,green\n');
    const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ status: 'passed', rowCount: 2, errorCount: 0, errors: [], checks: [{ name: 'table-schema', status: 'passed' }] });
    const evidence = JSON.parse(await readFile(run.json!.evidence as string, 'utf8'));
    expect(evidence).toMatchObject({ step: 'validate-data', status: 'passed', result: { rowCount: 2, errorCount: 0 } });
    expect(evidence.inputs.map((input: { path: string }) => input.path)).toEqual(['data.csv', 'schema.json']);
  });

  it('annotates the first errors and then says how many more there are, never cutting silently', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i < 14 ? 'x' : '0.5'},red`).join('\n');
    const dir = project(`id,score,color\n${rows}\n`);
    const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--annotations', '3']);
    expect(run.code).toBe(1);
    const log = run.stdout + run.stderr;
    expect(log.match(/type-error: /g)?.length).toBe(3);
    expect(log).toMatch(/\.\.\. and 11 more error\(s\) \(14 in all: 14 type-error\); the job summary lists the first 14, --format json the first 14/);
  });

  it('exits 1 on invalid data with Frictionless errors, exact counts and a capped list', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 10},${i === 3 ? 'x' : '0.5'},${i === 5 ? 'blue' : 'red'}`).join('\n');
    const dir = project(`id,score,color\n${rows}\n`);
    const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--format', 'json', '--max-errors', '5']);
    expect(run.code).toBe(1);
    const json = run.json as { status: string; rowCount: number; errorCount: number; errorCounts: Record<string, number>; errors: { code: string; rowNumber: number; fieldName: string; line: number; cell: string }[] };
    expect(json.status).toBe('failed');
    expect(json.rowCount).toBe(30);
    expect(json.errorCounts).toEqual({ 'type-error': 1, 'constraint-error': 1, 'unique-error': 20 });
    expect(json.errorCount).toBe(22);
    expect(json.errors).toHaveLength(5);
    expect(json.errors[0]).toMatchObject({ code: 'type-error', rowNumber: 5, fieldName: 'score', fieldNumber: 2, cell: 'x', line: 5 });
    expect(json.errors[1]).toMatchObject({ code: 'constraint-error', rowNumber: 7, fieldName: 'color', cell: 'blue' });
    expect(json.errors[2]).toMatchObject({ code: 'unique-error', rowNumber: 12, fieldName: 'id', note: 'the same as in the row at position 2' });
  });

  it('annotates the data file on the error lines and writes a markdown summary with escaped cells', async () => {
    const dir = project('id,score,color\n1,0.5,red\n2,0.5,<img src=x>|\n');
    const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('data.csv:3: constraint-error');
    const summary = await readFile(join(dir, '.modelci', 'summary.md'), 'utf8');
    expect(summary).toContain('| ❌ failed | table-schema |');
    expect(summary).toContain('&lt;img src=x');
    expect(summary).not.toContain('<img');
  });

  it.each([
    { name: 'an unknown type', schema: 'fields:\n  - name: id\n    type: integr\n', at: 'schema.yaml:3:11', text: /unknown type 'integr'/, hint: "did you mean 'integer'?" },
    { name: 'an invalid regex', schema: 'fields:\n  - name: id\n    type: string\n    constraints:\n      pattern: "[a-z"\n', at: 'schema.yaml:5:16', text: /invalid regular expression/ },
    { name: 'a constraint of the wrong type', schema: 'fields:\n  - name: id\n    type: integer\n    constraints:\n      minimum: abc\n', at: 'schema.yaml:5:16', text: /minimum "abc" is not a valid integer/ },
    { name: 'a constraint the type does not support', schema: 'fields:\n  - name: id\n    type: boolean\n    constraints:\n      maxLength: 3\n', at: 'schema.yaml:5:18', text: /not supported by type 'boolean'/ },
    { name: 'a primary key naming no field', schema: 'fields:\n  - name: id\nprimaryKey: [idd]\n', at: 'schema.yaml:3:14', text: /primaryKey names 'idd'/ },
    { name: 'an unknown dataset check', schema: 'fields:\n  - name: id\nx-modelci:\n  rowCont: {min: 1}\n', at: 'schema.yaml:4:3', text: /unknown dataset check 'rowCont'/ },
    { name: 'YAML that does not parse', schema: 'fields:\n  - name: id\n   type: [\n', at: 'schema.yaml:3', text: /invalid YAML/ },
  ])('exits 2 naming schema file, line and column for $name', async ({ schema, at, text, hint }) => {
    const dir = project('id\n1\n', schema, 'schema.yaml');
    const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.yaml', '--format', 'json']);
    expect(run.code).toBe(2);
    const error = (run.json as { error: { message: string; hint?: string; location: { file: string; line: number; column?: number } } }).error;
    expect(error.message).toMatch(text);
    const where = `${error.location.file}:${error.location.line}${error.location.column && at.split(':').length > 2 ? `:${error.location.column}` : ''}`;
    expect(where).toBe(at);
    if (hint) expect(error.hint).toContain(hint);
  });

  it('exits 2 for a data file that does not exist', async () => {
    const dir = project('id\n1\n');
    const run = await cli(dir, ['validate-data', '--data', 'nope.csv', '--schema', 'schema.json', '--format', 'json']);
    expect(run.code).toBe(2);
    expect((run.json as { error: { code: string } }).error.code).toBe('data-unreadable');
  });
});
