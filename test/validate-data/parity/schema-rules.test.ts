import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers.js';

/** What the parity work changed that a user sees: refusals with their fix, warnings, and what now goes on. */
async function validate(csv: string, schema: unknown, reference?: string): Promise<Awaited<ReturnType<typeof cli>>> {
  const dir = tempDir('modelci-schema-rules-');
  writeFileSync(join(dir, 'data.csv'), csv);
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(schema, null, 2));
  if (reference !== undefined) writeFileSync(join(dir, 'reference.csv'), reference);
  return cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--format', 'json', ...(reference !== undefined ? ['--reference', 'reference.csv'] : [])]);
}

type Refusal = { code: string; message: string; hint?: string; location?: { file: string; line?: number; column?: number } };
const refusal = (run: { json?: Record<string, unknown> }) => run.json?.error as Refusal;
const V2 = 'https://datapackage.org/profiles/2.0/tableschema.json';

describe('schemas frictionless-py refuses are refused with the fix', () => {
  it('a field-level `required` (which would not be enforced) names constraints.required', async () => {
    const run = await validate('id\n1\n\n', { fields: [{ name: 'id', type: 'integer', required: true }] });
    expect(run.code).toBe(2);
    expect(refusal(run)).toMatchObject({ code: 'schema-invalid', message: "field 'id': `required` belongs under `constraints` (frictionless-py refuses it here, and it would not be enforced)", hint: 'Write `constraints: {required: true}` instead.', location: { file: 'schema.json', line: 6 } });
  });

  it('missingValues in object form need the v2 $schema, and then work', async () => {
    const schema = { fields: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer' }], missingValues: [{ value: 'NA', label: 'not asked' }, { value: '' }] };
    const v1 = await validate('id,n\nNA,1\n', schema);
    expect(v1.code).toBe(2);
    expect(refusal(v1).message).toBe('missingValues in object form ({value, label}) are Table Schema v2');
    expect(refusal(v1).hint).toContain(`$schema: ${V2}`);
    const v2 = await validate('id,n\nNA,1\n', { $schema: V2, ...schema });
    expect(v2.code).toBe(0);
  });

  it('object-form missingValues whose value or label repeats', async () => {
    const values = await validate('id\n1\n', { $schema: V2, fields: [{ name: 'id', type: 'integer' }], missingValues: [{ value: 'NA' }, { value: 'NA' }] });
    expect(refusal(values).message).toBe('missing value value "NA" appears twice');
    const labels = await validate('id\n1\n', { $schema: V2, fields: [{ name: 'id', type: 'integer' }], missingValues: [{ value: 'NA', label: 'x' }, { value: '-', label: 'x' }] });
    expect(refusal(labels).message).toBe('missing value label "x" appears twice');
  });

  it('plain missingValues may repeat (v1 is lax, as in frictionless-py)', async () => {
    expect((await validate('id,n\nNA,1\n', { fields: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer' }], missingValues: ['NA', 'NA'] })).code).toBe(0);
  });

  it('an example the field would not accept', async () => {
    const run = await validate('id\n1\n', { fields: [{ name: 'id', type: 'integer', example: 'one' }] });
    expect(refusal(run)).toMatchObject({ message: "field 'id': example \"one\" is not a valid integer", location: { file: 'schema.json' } });
  });
});

describe('deprecated forms are read and warned about', () => {
  it('the fmt: prefix of a date format is stripped with a warning at the format', async () => {
    const run = await validate('d\n31/01/2024\n2024-01-31\n', { fields: [{ name: 'd', type: 'date', format: 'fmt:%d/%m/%Y' }] });
    expect(run.code).toBe(1);
    expect((run.json as { errors: { code: string; rowNumber: number }[] }).errors.map((e) => [e.code, e.rowNumber])).toEqual([['type-error', 3]]);
    expect(run.stderr).toMatch(/warning: schema\.json:6:\d+: field 'd': the `fmt:` prefix of format 'fmt:%d\/%m\/%Y' is deprecated \(Table Schema v1\.0-rc\); read as '%d\/%m\/%Y'/);
  });
});

describe('the two former divergences', () => {
  it('a duplicate label is a duplicate-label error and the rest of the file is still checked', async () => {
    const run = await validate('id,id\n1,2\nx,3\n', { fields: [{ name: 'id', type: 'integer' }, { name: 'id2', type: 'integer' }] });
    expect(run.code).toBe(1);
    const errors = (run.json as { errors: { code: string; rowNumber?: number; fieldName: string; message: string }[] }).errors;
    expect(errors.map((e) => [e.code, e.rowNumber ?? null, e.fieldName])).toEqual([['duplicate-label', null, 'id2'], ['type-error', 3, 'id']]);
    expect(errors[0]!.message).toBe('Label "id" in the header at position "2" is duplicated to a label: at position "1"');
  });

  it('matching fields by name, a duplicate label is still refused (frictionless-py refuses it too)', async () => {
    const run = await validate('id,id\n1,2\n', { fields: [{ name: 'id', type: 'integer' }], fieldsMatch: 'equal' });
    expect(run.code).toBe(2);
    expect(refusal(run).code).toBe('data-duplicate-header');
  });

  it('a header-only file is valid; a rowCount check is how to require rows', async () => {
    const fields = [{ name: 'id', type: 'integer', constraints: { required: true } }];
    const empty = await validate('id\n', { fields });
    expect(empty.code).toBe(0);
    expect(empty.json).toMatchObject({ status: 'passed', rowCount: 0, errorCount: 0 });
    const required = await validate('id\n', { fields, 'x-modelci': { rowCount: { min: 1 } } });
    expect(required.code).toBe(1);
    expect((required.json as { checks: { name: string; status: string; message: string }[] }).checks).toContainEqual(expect.objectContaining({ name: 'row-count', status: 'failed', message: '0 rows (expected >= 1)' }));
  });

  it('drift against a header-only file fails closed instead of passing on nothing compared', async () => {
    const run = await validate('x\n', { fields: [{ name: 'x', type: 'integer' }] }, 'x\n1\n2\n3\n');
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ status: 'failed', rowCount: 0, drift: { failed: true, cause: 'the data has no rows, so nothing was compared with the reference' } });
  });
});
