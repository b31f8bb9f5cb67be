import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchRows, openTable, type Cell } from '../../shared/data/index.js';
import { toParquetCell } from '../../shared/data/parquet-columns.js';
import { parseSchema } from '../../shared/schema/load.js';
import { validateOpenTable, validateTable, type ValidateOptions, type ValidationReport } from '../../shared/schema/validate.js';
import { hasPythonModule, pythonPath } from '../helpers/python.js';
import { tempDir } from './helpers.js';

// validate-data screens Parquet's typed columns column by column and checks only the failing
// rows as rows (shared/schema/typed-screen.ts). These tests hold that path to the row path on the
// same file (the whole report: messages, cells, checks) and to the same table written as CSV.
const dir = tempDir('modelci-parquet-typed-');

const WRITE = `
import sys, datetime, pyarrow as pa, pyarrow.parquet as pq, pyarrow.csv as pc
out = sys.argv[1]
n = 3000
blank = lambda i: i % 401 == 200
def pick(i, k, value, bad, nulls=89):
    if blank(i): return None
    return bad if i % 97 == k else (None if i % nulls == k else value)
table = pa.table({
    "id": pa.array([None if blank(i) else (i if i % 500 != 7 else 3) for i in range(n)], pa.int64()),
    "grp": pa.array([None if blank(i) else "g%d" % (i % 7) for i in range(n)], pa.string()),
    "small": pa.array([pick(i, 3, i % 100, 300) for i in range(n)], pa.int32()),
    "score": pa.array([pick(i, 5, (i % 10) / 10, 1.5) for i in range(n)], pa.float64()),
    "real": pa.array([pick(i, 19, float(i % 50), i + 0.5) for i in range(n)], pa.float64()),
    "ok": pa.array([pick(i, 7, i % 2 == 0, None) for i in range(n)], pa.bool_()),
    "day": pa.array([pick(i, 11, datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 400), datetime.date(2019, 5, 5)) for i in range(n)], pa.date32()),
    "cat": pa.array([pick(i, 13, "abc"[i % 3], "z", 43) for i in range(n)], pa.string()),
    "code": pa.array([pick(i, 17, "C%04d" % i, "bad") for i in range(n)], pa.string()),
    "text": pa.array([pick(i, 23, ["x y", "NA", "", "long words here"][i % 4], "3") for i in range(n)], pa.string()),
})
# Dictionary pages (falling back to plain ones when the dictionary outgrows its page), plain
# pages only, version 2 data pages; several row groups each.
pq.write_table(table, out + "/dict.parquet", row_group_size=700, use_dictionary=True, dictionary_pagesize_limit=2048)
pq.write_table(table, out + "/plain.parquet", row_group_size=1024, use_dictionary=False, data_page_size=4096)
pq.write_table(table, out + "/v2.parquet", row_group_size=900, data_page_version="2.0", data_page_size=2048)
pc.write_csv(table, out + "/same.csv")
`;

const FIELDS = [
  { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
  { name: 'grp', type: 'string', constraints: { required: true } },
  { name: 'small', type: 'integer', constraints: { maximum: 200 } },
  // Required with a null check: its nulls are failing cells, counted once, by the row checks.
  { name: 'score', type: 'number', constraints: { required: true, minimum: 0, maximum: 1 }, 'x-modelci': { maxNullFraction: 0.5 } },
  { name: 'real', type: 'number', 'x-modelci': { maxNullFraction: 0.01 } },
  { name: 'ok', type: 'boolean', constraints: { required: true } },
  { name: 'day', type: 'date', constraints: { minimum: '2020-01-01' } },
  { name: 'cat', type: 'string', constraints: { enum: ['a', 'b', 'c'] } },
  { name: 'code', type: 'string', constraints: { pattern: 'C[0-9]{4}' } },
  { name: 'text', type: 'string', constraints: { minLength: 2 } },
];

const schemaOf = (descriptor: Record<string, unknown>) => parseSchema('schema.json', JSON.stringify(descriptor));

const SCHEMAS: Record<string, Record<string, unknown>> = {
  'constraints, required nulls, blank rows, a unique field, primary and unique keys': { fields: FIELDS, primaryKey: ['id', 'grp'], uniqueKeys: [['grp', 'small']] },
  'missing values that match numbers, type mismatches, mostly and statistics': {
    missingValues: ['', 'NA', '3'],
    fields: [
      { name: 'id', type: 'integer', constraints: { minimum: 10 } },
      { name: 'grp', type: 'string', constraints: { pattern: 'g[0-5]' } },
      { name: 'small', type: 'number', 'x-modelci': { maxNullFraction: 0.01 } },
      { name: 'score', type: 'number', 'x-modelci': { mostly: 0.95, mean: { min: 0.4, max: 0.5 }, quantiles: [{ q: 0.5, min: 0.3, max: 0.6 }] } },
      { name: 'real', type: 'integer', 'x-modelci': { mostly: 0.5, max: { max: 10 } } },
      { name: 'ok', type: 'any' },
      { name: 'day', type: 'date', constraints: { exclusiveMaximum: '2020-12-31' } },
      { name: 'cat', type: 'string', constraints: { enum: ['a', 'b'] } },
      { name: 'code', type: 'string', constraints: { maxLength: 5 } },
      { name: 'text', type: 'string', constraints: { enum: ['x y', 'long words here'] } },
    ],
  },
  'fields the schema does not name (fabricated), matched by name': {
    fieldsMatch: 'subset',
    fields: [FIELDS[3], FIELDS[0], FIELDS[8], { name: 'absent', type: 'string' }],
  },
};

/** validateOpenTable on the file's row batches: the path every format took before typed screening. */
async function viaRows(path: string, schema: ReturnType<typeof schemaOf>, options: ValidateOptions): Promise<ValidationReport> {
  const table = await openTable(path, options);
  try {
    return await validateOpenTable({ ...table, useColumns: undefined }, schema, options);
  } finally {
    await table.close();
  }
}

async function viaColumns(path: string, schema: ReturnType<typeof schemaOf>, options: ValidateOptions): Promise<ValidationReport> {
  const table = await openTable(path, options);
  let typed = false;
  try {
    const report = await validateOpenTable({ ...table, useColumns: (wanted) => (typed = table.useColumns!(wanted)) }, schema, options);
    expect(typed).toBe(true);
    return report;
  } finally {
    await table.close();
  }
}

const summary = (report: ValidationReport) => ({
  rowCount: report.rowCount,
  errorCount: report.errorCount,
  errorCounts: report.errorCounts,
  errors: report.errors.map((e) => [e.code, e.rowNumber, e.fieldName, e.fieldNumber, e.note]),
});

describe.skipIf(!hasPythonModule('pyarrow'))('Parquet typed-column screening reports what the row checks report', () => {
  execFileSync(pythonPath(), ['-c', WRITE, dir]);

  for (const [title, descriptor] of Object.entries(SCHEMAS)) {
    const schema = schemaOf(descriptor);
    for (const file of ['dict.parquet', 'plain.parquet', 'v2.parquet']) {
      it(`${file}, ${title}: the whole report equals the row path's`, async () => {
        const options = { maxErrors: 100_000 };
        const rows = await viaRows(join(dir, file), schema, options);
        expect(rows.errorCount).toBeGreaterThan(50);
        expect(await viaColumns(join(dir, file), schema, options)).toEqual(rows);
      });
    }
    it(`${title}: small batches across row groups and a short error list give the same report`, async () => {
      const options = { maxErrors: 7, batchRows: 333 };
      const rows = await viaRows(join(dir, 'dict.parquet'), schema, options);
      expect(rows.errors).toHaveLength(7);
      expect(await viaColumns(join(dir, 'dict.parquet'), schema, options)).toEqual(rows);
    });
  }

  it('the seeded errors of every kind are there, and the report equals the CSV one', async () => {
    const schema = schemaOf(SCHEMAS['constraints, required nulls, blank rows, a unique field, primary and unique keys']!);
    const csv = summary(await validateTable(join(dir, 'same.csv'), schema, { threads: 1, maxErrors: 100_000 }));
    expect(Object.keys(csv.errorCounts).sort()).toEqual(['blank-row', 'constraint-error', 'primary-key', 'unique-error']);
    for (const file of ['dict.parquet', 'plain.parquet', 'v2.parquet']) {
      expect(summary(await validateTable(join(dir, file), schema, { maxErrors: 100_000 }))).toEqual(csv);
    }
  });
});

// The page reader (shared/data/parquet-page.ts) against hyparquet's own row reader, value by value.
const WRITE_PAGES = `
import sys, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 5000
words = ["plain", "", "caf\u00e9", "\ufeffbom first", "\u65e5\u672c", "x" * 40]
table = pa.table({
    "s": pa.array([None if i % 7 == 3 else words[i % 6] + str(i % 11) for i in range(n)], pa.string()),
    "u": pa.array([words[i % 6] + str(i) for i in range(n)], pa.string()),
    "b": pa.array([None if i % 5 == 1 else i % 3 == 0 for i in range(n)], pa.bool_()),
    "i64": pa.array([None if i % 9 == 4 else (i * 2654435761) % (1 << 40) - (1 << 39) for i in range(n)], pa.int64()),
    "i32": pa.array([i % 1000 - 500 for i in range(n)], pa.int32()),
    "f": pa.array([None if i % 13 == 6 else i / 7 for i in range(n)], pa.float64()),
})
schema = pa.schema([f.with_nullable(f.name in ("s", "b", "i64", "f")) for f in table.schema])
table = table.cast(schema)
for codec in ("snappy", "none"):
    pq.write_table(table, out + "/pages-dict-" + codec + ".parquet", compression=codec, row_group_size=1500, use_dictionary=True, dictionary_pagesize_limit=4096, data_page_size=2048)
    pq.write_table(table, out + "/pages-plain-" + codec + ".parquet", compression=codec, row_group_size=1500, use_dictionary=False, data_page_size=2048)
`;

describe.skipIf(!hasPythonModule('pyarrow'))('Parquet pages are read as hyparquet reads them', () => {
  execFileSync(pythonPath(), ['-c', WRITE_PAGES, dir]);
  for (const file of ['pages-dict-snappy.parquet', 'pages-dict-none.parquet', 'pages-plain-snappy.parquet', 'pages-plain-none.parquet']) {
    it(`${file}: every cell equals hyparquet's row reader's`, async () => {
      const path = join(dir, file);
      const { asyncBufferFromFile, parquetReadObjects } = await import('hyparquet');
      const objects = (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Record<string, unknown>[];
      const table = await openTable(path, { batchRows: 700 });
      const rows: Cell[][] = [];
      for await (const batch of table.batches) rows.push(...batchRows(batch));
      await table.close();
      expect(rows).toHaveLength(5000);
      expect(rows).toEqual(objects.map((object) => table.header.map((name) => toParquetCell(object[name], false))));
      // Nulls were read, and the leading byte order mark is dropped, as hyparquet's TextDecoder drops it.
      expect(rows.some((row) => row[0] === null) && rows.some((row) => String(row[1]).startsWith('bom first'))).toBe(true);
    });
  }

  // Strings of plain and dictionary pages are checked on their bytes (a pattern and lengths, by the
  // byte DFA) or decoded one by one; non-ASCII values, '' (missing), nulls, and failing patterns,
  // enums and lengths (counted in code points) give the row path's report.
  const others = [{ name: 'b', type: 'boolean' }, { name: 'i64', type: 'integer' }, { name: 'i32', type: 'integer' }, { name: 'f', type: 'number' }];
  const STRING_SCHEMAS: Record<string, Record<string, unknown>> = {
    'pattern and lengths': { fields: [{ name: 's', type: 'string', constraints: { pattern: '[a-z]+[0-9]{1,2}', maxLength: 6 } }, { name: 'u', type: 'string', constraints: { required: true, minLength: 7, maxLength: 9, pattern: '[^ ]+' } }, ...others] },
    'enums, required strings, a unique string field': {
      fields: [{ name: 's', type: 'string', constraints: { required: true, enum: ['plain1', 'caf\u00e92', '\u65e5\u672c4', '5', 'bom first3'] } }, { name: 'u', type: 'string', constraints: { unique: true, pattern: '[a-z]*[0-9]+' } }, ...others],
    },
  };
  for (const [title, descriptor] of Object.entries(STRING_SCHEMAS)) {
    for (const file of ['pages-dict-snappy.parquet', 'pages-plain-none.parquet']) {
      it(`${file}, strings with ${title}: the typed screen's report equals the row path's`, async () => {
        const schema = schemaOf(descriptor);
        const options = { maxErrors: 100_000, batchRows: 700 };
        const rows = await viaRows(join(dir, file), schema, options);
        expect(rows.errorCount).toBeGreaterThan(100);
        expect(await viaColumns(join(dir, file), schema, options)).toEqual(rows);
      });
    }
  }
});

// Dates and booleans are screened through a window of day numbers around the first one seen;
// days outside it (centuries away) and days seen for the first time in a later row group are
// worked out one by one. Both must fail exactly where the row checks fail.
const WRITE_DAYS = `
import sys, datetime, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 4000
def day(i):
    if i % 17 == 5: return None
    if i % 29 == 3: return datetime.date(1900, 1, 1) + datetime.timedelta(days=i)
    if i % 31 == 4: return datetime.date(2150, 6, 1) - datetime.timedelta(days=i)
    return datetime.date(2000, 1, 1) + datetime.timedelta(days=i % 900 + (i // 1000) * 20000)
table = pa.table({
    "d": pa.array([day(i) for i in range(n)], pa.date32()),
    "b": pa.array([None if i % 23 == 7 else i % 3 == 0 for i in range(n)], pa.bool_()),
    "x": pa.array(range(n), pa.int64()),
})
pq.write_table(table, out + "/days.parquet", row_group_size=900)
pq.write_table(table, out + "/days-plain.parquet", row_group_size=900, use_dictionary=False)
`;

describe.skipIf(!hasPythonModule('pyarrow'))('Parquet dates and booleans far apart are screened as the row checks check them', () => {
  execFileSync(pythonPath(), ['-c', WRITE_DAYS, dir]);
  const schema = schemaOf({
    fields: [
      { name: 'd', type: 'date', constraints: { minimum: '1950-01-01', maximum: '2100-12-31' }, 'x-modelci': { maxNullFraction: 0.01 } },
      { name: 'b', type: 'boolean', constraints: { required: true } },
      { name: 'x', type: 'integer' },
    ],
  });
  for (const file of ['days.parquet', 'days-plain.parquet']) {
    it(`${file}: the typed screen's report equals the row path's`, async () => {
      const options = { maxErrors: 100_000, batchRows: 500 };
      const rows = await viaRows(join(dir, file), schema, options);
      // Days before 1950 and after 2100 fail, required booleans are missing, nulls are too many.
      expect(rows.errorCounts).toEqual({ 'constraint-error': expect.any(Number) });
      expect(rows.errorCount).toBeGreaterThan(250);
      expect(rows.errors.some((error) => error.fieldName === 'd' && String(error.cell).startsWith('19'))).toBe(true);
      expect(rows.errors.some((error) => error.fieldName === 'd' && String(error.cell).startsWith('21'))).toBe(true);
      expect(rows.checks.find((check) => check.name === 'null-fraction' && check.field === 'd')?.status).toBe('failed');
      expect(await viaColumns(join(dir, file), schema, options)).toEqual(rows);
    });
  }
});

// A column chunk without nulls whose every value came through its dictionary is passed whole when
// every dictionary entry passes, and a number column stored as integers needs no integer test.
// Each rule below is broken in one row group only, and in the mixed file the broken string sits
// in a plain page after the dictionary filled up: those rows must still fail, as the row checks say.
const WRITE_WHOLE = `
import sys, datetime, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
n = 6000
table = pa.table({
    "tag": pa.array(["zz" if i == 3500 else "abc"[i % 3] for i in range(n)], pa.string()),
    "level": pa.array([5 if i == 2200 else 1 + i % 4 for i in range(n)], pa.int64()),
    "day": pa.array([datetime.date(2019, 1, 1) if i == 4100 else datetime.date(2020, 1, 1 + i % 20) for i in range(n)], pa.date32()),
    "count": pa.array([i * 7 for i in range(n)], pa.int64()),
    "ratio": pa.array([2.5 if i == 5300 else float(i % 9) for i in range(n)], pa.float64()),
    "code": pa.array(["bad" if i == 1990 else "C%05d" % i for i in range(n)], pa.string()),
})
pq.write_table(table, out + "/whole-dict.parquet", row_group_size=1000, use_dictionary=True)
pq.write_table(table, out + "/whole-plain.parquet", row_group_size=1000, use_dictionary=False)
pq.write_table(table, out + "/whole-mixed.parquet", row_group_size=1000, use_dictionary=True, dictionary_pagesize_limit=512, data_page_size=256, write_batch_size=64)
`;

describe.skipIf(!hasPythonModule('pyarrow'))('Parquet chunks passed whole by their dictionary', () => {
  execFileSync(pythonPath(), ['-c', WRITE_WHOLE, dir]);
  const schema = schemaOf({
    fields: [
      { name: 'tag', type: 'string', constraints: { required: true, enum: ['a', 'b', 'c'] } },
      { name: 'level', type: 'integer', constraints: { maximum: 4 } },
      { name: 'day', type: 'date', constraints: { minimum: '2020-01-01' } },
      { name: 'count', type: 'integer', constraints: { required: true } },
      { name: 'ratio', type: 'integer' },
      { name: 'code', type: 'string', constraints: { pattern: 'C[0-9]{5}' } },
    ],
  });
  for (const file of ['whole-dict.parquet', 'whole-plain.parquet', 'whole-mixed.parquet']) {
    it(`${file}: the rows that break a rule fail, and the report is the row path's`, async () => {
      const options = { maxErrors: 100 };
      const rows = await viaRows(join(dir, file), schema, options);
      expect(rows.errors.map((error) => [error.code, error.rowNumber, error.fieldName])).toEqual([
        ['constraint-error', 1992, 'code'],
        ['constraint-error', 2202, 'level'],
        ['constraint-error', 3502, 'tag'],
        ['constraint-error', 4102, 'day'],
        ['type-error', 5302, 'ratio'],
      ]);
      expect(await viaColumns(join(dir, file), schema, options)).toEqual(rows);
    });
  }
});
