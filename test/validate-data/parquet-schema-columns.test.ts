import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from '../../shared/data/index.js';
import { ModelciError } from '../../shared/errors.js';
import { parseSchema } from '../../shared/schema/load.js';
import { validateOpenTable, validateTable, type ValidationReport } from '../../shared/schema/validate.js';
import { hasPythonModule, pythonPath } from '../helpers/python.js';
import { tempDir } from './helpers.js';

// validate-data decodes only the Parquet columns the schema names. A column it does not name
// matters only to tell a blank row (every cell null) from one with a required null or a failing
// cell, so it is read for a row group that has such a row, and never otherwise. A broken column
// the schema does not name proves which columns were read.
const dir = tempDir('modelci-parquet-schema-columns-');

const WRITE = `
import sys, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 2000
# Both in the third row group: row 1100 (file row 1102), where only 'extra' has a value, so it is
# not blank, and row 1200 (file row 1202), where every cell is null.
empty = lambda i: i in (1100, 1200)
table = pa.table({
    "id": pa.array([None if empty(i) else i for i in range(n)], pa.int64()),
    "score": pa.array([None if empty(i) else (i % 10) / 10 for i in range(n)], pa.float64()),
    "extra": pa.array([None if i == 1200 else "e%d" % i for i in range(n)], pa.string()),
    "note": pa.array([None if i % 3 or empty(i) else "n" for i in range(n)], pa.string()),
})
pq.write_table(table, out + "/gaps.parquet", row_group_size=500, compression="none", use_dictionary=False)
clean = table.filter(pa.array([not empty(i) for i in range(n)]))
pq.write_table(clean, out + "/clean.parquet", row_group_size=500, compression="none", use_dictionary=False)
for name in ("gaps", "clean"):
    # Every page header of 'extra' overwritten: decoding that column fails in every row group.
    meta = pq.ParquetFile(out + "/" + name + ".parquet").metadata
    data = bytearray(open(out + "/" + name + ".parquet", "rb").read())
    for g in range(meta.num_row_groups):
        start = meta.row_group(g).column(2).data_page_offset
        data[start:start + 8] = b"\\xff" * 8
    open(out + "/" + name + "-broken-extra.parquet", "wb").write(data)
`;

const schemaOf = (fields: Record<string, unknown>[]) => parseSchema('schema.json', JSON.stringify({ fieldsMatch: 'subset', fields }));
const ID_SCORE = schemaOf([
  { name: 'id', type: 'integer' },
  { name: 'score', type: 'number', constraints: { maximum: 1 } },
]);

async function viaRows(path: string): Promise<ValidationReport> {
  const table = await openTable(path, {});
  try {
    return await validateOpenTable({ ...table, useColumns: undefined }, ID_SCORE, { maxErrors: 100 });
  } finally {
    await table.close();
  }
}

async function thrown(run: () => Promise<unknown>): Promise<ModelciError> {
  try {
    await run();
  } catch (error) {
    return error as ModelciError;
  }
  throw new Error('expected an error');
}

describe.skipIf(!hasPythonModule('pyarrow'))('Parquet: only the columns the schema names are read', () => {
  execFileSync(pythonPath(), ['-c', WRITE, dir]);

  it('a broken column the schema does not name is never read when no row needs it', async () => {
    const report = await validateTable(join(dir, 'clean-broken-extra.parquet'), ID_SCORE, { maxErrors: 100 });
    expect(report).toEqual(await validateTable(join(dir, 'clean.parquet'), ID_SCORE, { maxErrors: 100 }));
    expect(report).toMatchObject({ rowCount: 1998, errorCount: 0 });
  });

  it('the broken column is reported once the schema names it, with the rows of its row group', async () => {
    const schema = schemaOf([{ name: 'id', type: 'integer' }, { name: 'extra', type: 'string' }]);
    const error = await thrown(() => validateTable(join(dir, 'clean-broken-extra.parquet'), schema));
    expect(error).toBeInstanceOf(ModelciError);
    expect(error.code).toBe('parquet-invalid');
    expect(error.message).toContain('cannot read rows 2-501 of');
  });

  it('a row with only the unnamed column set is not blank; a row of nulls is: the row path\'s report', async () => {
    const report = await validateTable(join(dir, 'gaps.parquet'), ID_SCORE, { maxErrors: 100 });
    expect(report).toEqual(await viaRows(join(dir, 'gaps.parquet')));
    expect(report.errors.map((error) => [error.code, error.rowNumber])).toEqual([['blank-row', 1202]]);
    expect(report.rowCount).toBe(2000);
  });

  it('the unnamed column is read only for the row group with such a row', async () => {
    // The first two row groups were checked without it; the third needs it, and it is broken there.
    const error = await thrown(() => validateTable(join(dir, 'gaps-broken-extra.parquet'), ID_SCORE));
    expect(error.code).toBe('parquet-invalid');
    expect(error.message).toContain('cannot read rows 1002-1501 of');
  });

  it('a failing cell in a named column also needs the row whole, and the report is the row path\'s', async () => {
    const strict = schemaOf([{ name: 'id', type: 'integer' }, { name: 'score', type: 'number', constraints: { maximum: 0.5 } }]);
    const error = await thrown(() => validateTable(join(dir, 'clean-broken-extra.parquet'), strict));
    expect(error.message).toContain('cannot read rows 2-501 of');
    const table = await openTable(join(dir, 'clean.parquet'), {});
    const rows = await validateOpenTable({ ...table, useColumns: undefined }, strict, { maxErrors: 100 }).finally(() => table.close());
    expect(await validateTable(join(dir, 'clean.parquet'), strict, { maxErrors: 100 })).toEqual(rows);
    expect(rows.errorCount).toBeGreaterThan(0);
  });
});
