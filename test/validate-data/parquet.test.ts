import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSchema } from '../../shared/schema/load.js';
import { validateTable, type ValidationReport } from '../../shared/schema/validate.js';
import { hasPythonModule, pythonPath } from '../helpers/python.js';
import { tempDir } from './helpers.js';

const dir = tempDir('modelci-parquet-');

// One table, written by pyarrow as Parquet (several row groups, dictionary or plain encoding)
// and as CSV: every type, nulls, out-of-range values, duplicates. Row 1000 + k is seeded to break a rule.
const WRITE = `
import sys, datetime, pyarrow as pa, pyarrow.parquet as pq, pyarrow.csv as pc
out = sys.argv[1]
n = 2500
def pick(i, k, value, bad):
    return bad if i % 97 == k else (None if i % 89 == k else value)
table = pa.table({
    "id": pa.array([i if i != 1700 else 17 for i in range(n)], pa.int64()),
    "small": pa.array([pick(i, 3, i % 100, 300) for i in range(n)], pa.int32()),
    "score": pa.array([pick(i, 5, (i % 10) / 10, 1.5) for i in range(n)], pa.float64()),
    "ok": pa.array([pick(i, 7, i % 2 == 0, None) for i in range(n)], pa.bool_()),
    "day": pa.array([pick(i, 11, datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 400), datetime.date(2019, 5, 5)) for i in range(n)], pa.date32()),
    "cat": pa.array([pick(i, 13, "abc"[i % 3], "z") for i in range(n)], pa.string()),
    "code": pa.array([pick(i, 17, "C%04d" % i, "bad") for i in range(n)], pa.string()),
})
pq.write_table(table, out + "/dict.parquet", row_group_size=700, use_dictionary=True)
pq.write_table(table, out + "/plain.parquet", row_group_size=1024, use_dictionary=False, data_page_size=4096)
pc.write_csv(table, out + "/same.csv")
`;

const schema = parseSchema(
  'schema.json',
  JSON.stringify({
    fields: [
      { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
      { name: 'small', type: 'integer', constraints: { maximum: 200 } },
      { name: 'score', type: 'number', constraints: { required: true, minimum: 0, maximum: 1 } },
      { name: 'ok', type: 'boolean' },
      { name: 'day', type: 'date', constraints: { minimum: '2020-01-01' } },
      { name: 'cat', type: 'string', constraints: { enum: ['a', 'b', 'c'] } },
      { name: 'code', type: 'string', constraints: { pattern: 'C[0-9]{4}' } },
    ],
  }),
);

const summary = (report: ValidationReport) => ({
  rowCount: report.rowCount,
  errorCount: report.errorCount,
  errorCounts: report.errorCounts,
  errors: report.errors.map((e) => [e.code, e.rowNumber, e.fieldName, e.fieldNumber]),
});

describe.skipIf(!hasPythonModule('pyarrow'))('Parquet validates as the same data in CSV', () => {
  execFileSync(pythonPath(), ['-c', WRITE, dir]);
  let csv: ReturnType<typeof summary>;

  it('the CSV report has the seeded errors', async () => {
    csv = summary(await validateTable(join(dir, 'same.csv'), schema, { threads: 1 }));
    expect(csv.rowCount).toBe(2500);
    expect(Object.keys(csv.errorCounts).sort()).toEqual(['constraint-error', 'unique-error']);
    expect(csv.errorCount).toBeGreaterThan(100);
  });

  for (const name of ['dict.parquet', 'plain.parquet']) {
    it(`${name}: rows, counts, codes, row numbers and fields equal the CSV's`, async () => {
      const report = summary(await validateTable(join(dir, name), schema));
      expect(report).toEqual(csv);
    });
  }

  it('small batches across row-group boundaries give the same report', async () => {
    const report = summary(await validateTable(join(dir, 'dict.parquet'), schema, { batchRows: 333 }));
    expect(report).toEqual(csv);
  });
});

// Dictionary-coded pages with a code past their dictionary: a broken file, refused with the rows
// of its row group (never read as NaN or as a missing cell), with and without nulls, numbers and
// strings. The first bit-packed byte of codes 0,1,2,0 (2 bits each, 0x24) becomes codes 3,1,2,0.
const WRITE_BAD_CODES = `
import sys, pyarrow as pa, pyarrow.parquet as pq
def write(name, values, dictionary):
    path = sys.argv[1] + "/" + name + ".parquet"
    pq.write_table(pa.table({"v": values}), path, compression="NONE", use_dictionary=True)
    data = bytearray(open(path, "rb").read())
    at = data.find(dictionary)
    codes = data.find(bytes.fromhex("2449"), at)
    assert at > 0 and codes > at
    data[codes] = 0x27
    open(path, "wb").write(data)
numbers, strings = bytes.fromhex("0a000000140000001e000000"), bytes.fromhex("01000000610100000062")
write("numbers", pa.array([10, 20, 30] * 100, pa.int32()), numbers)
write("numbers-nulls", pa.array([10, None, 20, 30] * 100, pa.int32()), numbers)
write("strings", pa.array(["a", "b", "c"] * 100), strings)
write("strings-nulls", pa.array(["a", None, "b", "c"] * 100), strings)
`;

describe.skipIf(!hasPythonModule('pyarrow'))('validate-data on a broken Parquet dictionary', () => {
  const cases = [
    { file: 'numbers', type: 'integer', rows: '2-301' },
    { file: 'numbers-nulls', type: 'integer', rows: '2-401' },
    { file: 'strings', type: 'string', rows: '2-301' },
    { file: 'strings-nulls', type: 'string', rows: '2-401' },
  ];
  beforeAll(() => {
    execFileSync(pythonPath(), ['-c', WRITE_BAD_CODES, dir]);
  });
  for (const { file, type, rows } of cases) {
    it(`${file}: refuses a dictionary code past the dictionary, naming the rows`, async () => {
      const schema = parseSchema('schema.json', JSON.stringify({ fields: [{ name: 'v', type }] }));
      const failure = await validateTable(join(dir, `${file}.parquet`), schema).then(
        () => undefined,
        (error: unknown) => error as { code: string; message: string },
      );
      expect(failure?.code).toBe('parquet-invalid');
      expect(failure?.message).toMatch(new RegExp(`^cannot read rows ${rows} of .*${file}\\.parquet: parquet dictionary code 3 is past its dictionary's 3 entries$`));
    });
  }
});
