import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchRows, openTable } from '../../shared/data/index.js';
import type { CsvDialect } from '../../shared/data/source.js';
import { ModelciError } from '../../shared/errors.js';
import { parseSchema } from '../../shared/schema/load.js';
import { validateTable } from '../../shared/schema/validate.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'modelci-dialect-'));

interface Case {
  name: string;
  content: string;
  dialect: CsvDialect;
  /** header: false: the column names the caller gives (the schema's fields). */
  names?: string[];
  /** Also validated against this Table Schema, by both: the errors must agree. */
  schema?: { fields: { name: string; type: string }[] };
}

/** What a reader saw: the header, then each data row with its Frictionless row number. */
interface Reading {
  header: string[];
  rows: [number, string[]][];
  /** [code, rowNumber, fieldNumber] of each error, when the case has a schema. */
  errors?: [string, number | null, number | null][];
}

const ID_NAME = { fields: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] };

const cases: Case[] = [
  { name: 'validated: header false, a type error in row 2', content: '1,a\nx,b\n3\n', dialect: { header: false }, names: ['id', 'name'], schema: ID_NAME },
  { name: 'validated: comments and a two-row header keep the row numbers', content: 'id,name\n,x\n#c\nq,a\n2,b,c\n', dialect: { headerRows: [1, 2], commentChar: '#', headerJoin: '' }, schema: { fields: [{ name: 'id', type: 'integer' }, { name: 'namex', type: 'string' }] } },
  { name: 'validated: escapeChar and single quotes', content: "id,name\n'1',a\\,b\n'x\\'y',c\n", dialect: { quoteChar: "'", escapeChar: '\\' }, schema: ID_NAME },
  { name: 'single-quote quoteChar', content: "id,name\n1,'a,b'\n2,'it''s'\n3,\"x\"\n", dialect: { quoteChar: "'" } },
  { name: 'escapeChar inside and outside quotes', content: 'id,name\n1,"a\\"b"\n2,c\\,d\n3,"e\\\\f"\n', dialect: { escapeChar: '\\' } },
  { name: 'escapeChar with doubleQuote false', content: 'id,name\n1,"a\\"b"\n2,"x""y"\n', dialect: { escapeChar: '\\', doubleQuote: false } },
  { name: 'doubleQuote false without escapeChar keeps doubled quotes (as frictionless)', content: 'id,name\n1,"x""y"\n', dialect: { doubleQuote: false } },
  { name: 'escaped newline in an unquoted field', content: 'id,name\n1,a\\\nb\n2,c\n', dialect: { escapeChar: '\\' } },
  { name: 'skipInitialSpace', content: 'id, name\n1, "a, b"\n2,   c\n3,d \n', dialect: { skipInitialSpace: true } },
  { name: 'spaces kept with skipInitialSpace false', content: 'id,name\n1, "a"\n', dialect: { skipInitialSpace: false } },
  { name: 'commentChar between rows keeps row numbers', content: 'id,name\n# a comment\n1,a\n2,b\n#x,y\n3,c\n', dialect: { commentChar: '#' } },
  { name: 'commentChar on a quoted first cell', content: 'id,name\n"#1",a\n2,b\n', dialect: { commentChar: '#' } },
  { name: 'commentChar of two characters', content: 'id,name\n//x\n/a,b\n', dialect: { commentChar: '//' } },
  { name: 'only comments before the header row', content: '#a\n#b\n', dialect: { commentChar: '#' } },
  { name: 'comment before the header row', content: '# generated\nid,name\n1,a\n', dialect: { commentChar: '#' } },
  { name: 'header false, field names', content: '1,a\n2,b\n', dialect: { header: false } },
  { name: 'header false, names from the schema', content: '1,a\n2,b\n', dialect: { header: false }, names: ['id', 'name'] },
  { name: 'headerRows joined', content: 'a,b,c\nx,y,y\n1,2,3\n', dialect: { headerRows: [1, 2], headerJoin: '_' } },
  { name: 'headerRows with a repeated cell (merged header)', content: 'score,score,id\nmin,max,\n1,2,3\n', dialect: { headerRows: [1, 2] } },
  { name: 'headerRows [2]: row 1 is not data', content: 'exported by tool\nid,name\n1,a\n', dialect: { headerRows: [2] } },
  { name: 'dialect with CRLF and a blank row', content: "id,name\r\n1,'a\r\nb'\r\n\r\n2,c\r\n", dialect: { quoteChar: "'" } },
  { name: 'semicolon, single quotes, comments together', content: "id;name\n#c\n1;'a;b'\n", dialect: { quoteChar: "'", commentChar: '#' } },
];

async function ours(c: Case, path: string): Promise<Reading> {
  const delimiter = c.content.startsWith('id;') ? ';' : ',';
  const table = await openTable(path, { dialect: c.dialect, delimiter }, c.names);
  const rows: [number, string[]][] = [];
  for await (const batch of table.batches) batchRows(batch).forEach((cells, r) => rows.push([batch.firstRowNumber + r, cells.map(String)]));
  if (!c.schema) return { header: table.header, rows };
  const report = await validateTable(path, parseSchema('schema.json', JSON.stringify(c.schema)), { dialect: c.dialect, delimiter, threads: 1 });
  const errors = report.errors.map((e): [string, number | null, number | null] => [e.code, e.rowNumber ?? null, e.fieldNumber ?? null]);
  return { header: table.header, rows, errors };
}

// One Python process reads every case with frictionless-py 5.21 (the oracle).
const READ_ALL = `
import json, os, sys
from frictionless import Resource, Dialect, Detector, Schema, formats
out = []
for case in json.load(sys.stdin):
    d = case["dialect"]
    control = formats.CsvControl(delimiter=case["delimiter"])
    for ours, theirs in [("quoteChar", "quote_char"), ("doubleQuote", "double_quote"), ("escapeChar", "escape_char"), ("skipInitialSpace", "skip_initial_space")]:
        if ours in d: setattr(control, theirs, d[ours])
    dialect = Dialect(controls=[control])
    for ours, theirs in [("header", "header"), ("headerRows", "header_rows"), ("headerJoin", "header_join"), ("commentChar", "comment_char")]:
        if ours in d: setattr(dialect, theirs, d[ours])
    options = dict(format="csv", dialect=dialect, detector=Detector(field_type="string"))
    if case.get("names"):
        options["schema"] = Schema.from_descriptor({"fields": [{"name": n, "type": "string"} for n in case["names"]]})
    with Resource(case["path"], **options) as resource:
        rows = [[row.row_number, [("" if c is None else str(c)) for c in row.cells]] for row in resource.row_stream]
        header = list(resource.labels) if resource.dialect.header else resource.schema.field_names
    reading = {"header": header, "rows": rows}
    if case.get("schema"):
        options["schema"] = Schema.from_descriptor(case["schema"])
        del options["detector"]
        # validate() refuses absolute paths as unsafe: read it from its folder.
        os.chdir(os.path.dirname(case["path"]))
        report = Resource(os.path.basename(case["path"]), **options).validate()
        reading["errors"] = [[e.type, getattr(e, "row_number", None), getattr(e, "field_number", None)] for e in report.tasks[0].errors]
    out.append(reading)
json.dump(out, sys.stdout)
`;

describe('CSV dialect, read as frictionless-py reads it', () => {
  const paths = cases.map((c, i) => {
    const path = join(dir, `case-${i}.csv`);
    writeFileSync(path, c.content);
    return path;
  });
  const theirs = hasPythonModule('frictionless')
    ? runPythonJson<Reading[]>(READ_ALL, cases.map((c, i) => ({ path: paths[i], dialect: c.dialect, names: c.names, schema: c.schema, delimiter: c.content.startsWith('id;') ? ';' : ',' })))
    : undefined;
  cases.forEach((c, i) => {
    it.skipIf(!theirs)(c.name, async () => {
      expect(await ours(c, paths[i]!)).toEqual(theirs![i]);
    });
  });

  // frictionless-py 5.21 on Python 3.11 fails on an empty quoteChar ("quotechar" must be a
  // 1-character string); we read it as Python's QUOTE_NONE, which is what the dialect asks.
  it('reads quotes literally with an empty quoteChar', async () => {
    const path = join(dir, 'no-quotes.csv');
    writeFileSync(path, 'id,name\n1,"a\n2,b"\n');
    expect(await ours({ name: '', content: 'id,', dialect: { quoteChar: '' } }, path)).toEqual({ header: ['id', 'name'], rows: [[2, ['1', '"a']], [3, ['2', 'b"']]] });
  });

  it('refuses a quoteChar of more than one character, naming the file', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'a\n1\n');
    const error = (await openTable(path, { dialect: { quoteChar: '""' } }).catch((e: unknown) => e)) as ModelciError;
    expect(error).toBeInstanceOf(ModelciError);
    expect(error.code).toBe('csv-dialect');
    expect(error.location).toEqual({ file: path });
  });

  it('reads a dialect file of many chunks with the rows and row numbers of one chunk', async () => {
    const lines = Array.from({ length: 120_000 }, (_, i) => (i % 1000 === 5 ? `# note ${i}` : `${i},'v, ${i}'`));
    const path = join(dir, 'many.csv');
    writeFileSync(path, `id,v\n${lines.join('\n')}\n`);
    let seen = 0;
    for await (const batch of (await openTable(path, { dialect: { quoteChar: "'", commentChar: '#' } })).batches) {
      batchRows(batch).forEach((cells, r) => {
        const i = batch.firstRowNumber + r - 2;
        expect(cells).toEqual([String(i), `v, ${i}`]);
        seen++;
      });
    }
    expect(seen).toBe(120_000 - 120);
  });
});
