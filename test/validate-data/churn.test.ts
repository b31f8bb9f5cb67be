import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/python.js';
import { cli, tempDir } from './helpers.js';

/** Done-when 3: infer-schema on the churn example, then validate-data with it, passes; a mutated column fails with the right code and row. */
describe('infer-schema then validate-data on the churn example', () => {
  const dir = tempDir('modelci-churn-');
  copyFileSync(join(repoRoot, 'examples/churn/data/churn.csv'), join(dir, 'churn.csv'));

  it('infers a schema that the same data passes', async () => {
    const infer = await cli(dir, ['infer-schema', '--data', 'churn.csv', '--output', 'schema.yaml', '--format', 'json']);
    expect(infer.code).toBe(0);
    const schema = parse(readFileSync(join(dir, 'schema.yaml'), 'utf8')) as { fields: { name: string; type: string; constraints?: { required?: boolean; enum?: string[] } }[] };
    const byName = Object.fromEntries(schema.fields.map((field) => [field.name, field]));
    expect(byName.customer_id).toMatchObject({ type: 'string', constraints: { required: true } });
    expect(byName.signup_date!.type).toBe('date');
    expect(byName.tenure_months!.type).toBe('integer');
    expect(byName.monthly_charges!.type).toBe('number');
    expect(byName.senior!.type).toBe('boolean');
    expect(byName.region!.constraints!.enum).toEqual(['central', 'east', 'north', 'south', 'west']);
    expect(byName.total_charges!.constraints?.required).toBeUndefined(); // it has missing values
    const run = await cli(dir, ['validate-data', '--data', 'churn.csv', '--schema', 'schema.yaml', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ status: 'passed', rowCount: 3000, errorCount: 0 });
  });

  it('fails with type-error on the mutated row when a column changes type', async () => {
    const lines = readFileSync(join(dir, 'churn.csv'), 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const column = header.indexOf('tenure_months');
    const cells = lines[41]!.split(','); // row 42 in Frictionless numbering (header = 1)
    cells[column] = 'twelve';
    lines[41] = cells.join(',');
    writeFileSync(join(dir, 'mutated.csv'), lines.join('\n'));
    const run = await cli(dir, ['validate-data', '--data', 'mutated.csv', '--schema', 'schema.yaml', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ status: 'failed', errorCount: 1, errors: [{ code: 'type-error', rowNumber: 42, line: 42, fieldName: 'tenure_months', fieldNumber: column + 1, cell: 'twelve' }] });
  });

  it('fails with constraint-error when a category is new', async () => {
    const text = readFileSync(join(dir, 'churn.csv'), 'utf8').replace(/,south,/, ',atlantis,');
    writeFileSync(join(dir, 'new-region.csv'), text);
    const run = await cli(dir, ['validate-data', '--data', 'new-region.csv', '--schema', 'schema.yaml', '--format', 'json']);
    expect(run.code).toBe(1);
    expect((run.json as { errors: { code: string; fieldName: string; cell: string }[] }).errors[0]).toMatchObject({ code: 'constraint-error', fieldName: 'region', cell: 'atlantis' });
  });
});
