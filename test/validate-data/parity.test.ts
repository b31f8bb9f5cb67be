import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../shared/schema/load.js';
import { validateTable } from '../../shared/schema/validate.js';
import { hasPythonModule, repoRoot, runPythonJson } from '../helpers/python.js';

/**
 * Done-when 1: on every fixture in test/fixtures/tables our error list (code, rowNumber,
 * fieldName) equals frictionless-py's. A fixture may list `knownDifferences` codes in
 * `expected.json` where we deliberately differ (documented in docs/validate-data.md).
 */
const root = join(repoRoot, 'test/fixtures/tables');
const fixtures = readdirSync(root).filter((name) => !name.startsWith('.')).sort();

type Triple = [string, number | null, string];

async function ours(name: string): Promise<{ errors: Triple[]; rows: number }> {
  const schemaFile = join(root, name, 'schema.json');
  const schema = parseSchema(schemaFile, readFileSync(schemaFile, 'utf8'));
  const report = await validateTable(join(root, name, 'data.csv'), schema, { maxErrors: 100000 });
  return { errors: report.errors.map((error) => [error.code, error.rowNumber ?? null, error.fieldName ?? '']), rows: report.rowCount };
}

describe('parity with frictionless-py', () => {
  const available = hasPythonModule('frictionless');
  it('has at least 15 fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  it.skipIf(!available)('matches frictionless-py error for error on every fixture', async () => {
    const reference = runPythonJson<{ fixture: string; errors?: Triple[]; rows?: number; exception?: string }[]>(
      readFileSync(join(repoRoot, 'test/validate-data/frictionless_errors.py'), 'utf8'),
      fixtures.map((fixture) => ({ fixture, data: join(root, fixture, 'data.csv'), schema: JSON.parse(readFileSync(join(root, fixture, 'schema.json'), 'utf8')) })),
    );
    for (const expected of reference) {
      expect(expected.exception, `${expected.fixture}: frictionless-py failed`).toBeUndefined();
      const actual = await ours(expected.fixture);
      expect({ fixture: expected.fixture, errors: actual.errors, rows: actual.rows }).toEqual({ fixture: expected.fixture, errors: expected.errors, rows: expected.rows });
    }
  });
});
