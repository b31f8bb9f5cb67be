import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import { readColumns, readHeader, streamColumns } from '../../shared/data/index.js';
import { hasPythonModule, pythonPath } from '../helpers/python.js';

const dir = mkdtempSync(join(tmpdir(), 'modelci-readers-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('CSV reader', () => {
  const cases: { name: string; content: string | Buffer; file?: string; delimiter?: string; expected: Record<string, (string | null)[]> }[] = [
    { name: 'plain', content: 'a,b\n1,x\n2,y\n', expected: { a: ['1', '2'], b: ['x', 'y'] } },
    { name: 'no trailing newline', content: 'a,b\n1,x\n2,y', expected: { a: ['1', '2'], b: ['x', 'y'] } },
    { name: 'CRLF', content: 'a,b\r\n1,x\r\n2,y\r\n', expected: { a: ['1', '2'], b: ['x', 'y'] } },
    { name: 'BOM', content: '\uFEFFa,b\n1,x\n', expected: { a: ['1'], b: ['x'] } },
    { name: 'quotes, doubled quotes, delimiter and newline inside quotes', content: 'a,b\n"1,5","say ""hi""\nthere"\n', expected: { a: ['1,5'], b: ['say "hi"\nthere'] } },
    { name: 'empty and absent cells are null', content: 'a,b\n,x\n3\n', expected: { a: [null, '3'], b: ['x', null] } },
    { name: 'semicolon delimiter', content: 'a;b\n1,5;x\n', delimiter: ';', expected: { a: ['1,5'], b: ['x'] } },
    { name: 'tsv by extension', content: 'a\tb\n1\tx\n', file: 't.tsv', expected: { a: ['1'], b: ['x'] } },
    { name: 'gzip', content: gzipSync('a,b\n1,x\n'), file: 't.csv.gz', expected: { a: ['1'], b: ['x'] } },
    { name: 'multibyte text', content: 'a,b\nü,日本\n', expected: { a: ['ü'], b: ['日本'] } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const path = file(c.file ?? `${c.name.replace(/\W+/g, '-')}.csv`, c.content);
      const options = c.delimiter ? { delimiter: c.delimiter } : {};
      expect(await readHeader(path, options)).toEqual(Object.keys(c.expected));
      expect(await readColumns(path, Object.keys(c.expected), options)).toEqual(c.expected);
    });
  }

  it('streams in batches with Frictionless row numbers and bounded batches', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `${i},v${i % 7}`).join('\n');
    const path = file('big.csv', `id,v\n${rows}\n`);
    let count = 0;
    let batches = 0;
    let expectedRow = 2;
    for await (const batch of streamColumns(path, ['id'])) {
      expect(batch.firstRowNumber).toBe(expectedRow);
      expect(batch.columns.id![0]).toBe(String(expectedRow - 2));
      expectedRow += batch.columns.id!.length;
      count += batch.columns.id!.length;
      batches++;
    }
    expect(count).toBe(300_000);
    expect(batches).toBeGreaterThan(1);
  });

  it('names a missing column and suggests the closest', async () => {
    const path = file('names.csv', 'id,score\n1,2\n');
    const error = await readColumns(path, ['scor']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelciError);
    expect((error as ModelciError).code).toBe('data-missing-column');
    expect((error as ModelciError).hint).toContain("did you mean 'score'");
    expect((error as ModelciError).location).toEqual({ file: path, line: 1 });
  });
});

describe('JSON Lines reader', () => {
  it('reads typed values keyed by the first object', async () => {
    const path = file('t.jsonl', '{"id": 1, "ok": true, "name": "a"}\n{"id": 2, "ok": false}\n\n');
    expect(await readHeader(path)).toEqual(['id', 'ok', 'name']);
    expect(await readColumns(path, ['id', 'ok', 'name'])).toEqual({ id: [1, 2, null], ok: [true, false, null], name: ['a', null, null] });
  });

  it('names the line of invalid JSON', async () => {
    const path = file('bad.jsonl', '{"id": 1}\n{"id": \n');
    const error = (await readColumns(path, ['id']).catch((e: unknown) => e)) as ModelciError;
    expect(error.code).toBe('jsonl-syntax');
    expect(error.location).toEqual({ file: path, line: 2 });
  });
});

describe('Parquet reader', () => {
  it.skipIf(!hasPythonModule('pyarrow'))('reads typed columns written by pyarrow', async () => {
    const path = join(dir, 't.parquet');
    execFileSync(pythonPath(), ['-c', `
import pyarrow as pa, pyarrow.parquet as pq, datetime, sys
t = pa.table({'id': pa.array([1, 2, 3], pa.int64()), 'x': [1.5, None, 3.0], 'd': [datetime.date(2024, 1, 2)] * 3, 's': ['a', 'b', None]})
pq.write_table(t, sys.argv[1], row_group_size=2)
`, path]);
    expect(await readHeader(path)).toEqual(['id', 'x', 'd', 's']);
    expect(await readColumns(path, ['id', 'x', 'd', 's'])).toEqual({ id: [1, 2, 3], x: [1.5, null, 3], d: ['2024-01-02', '2024-01-02', '2024-01-02'], s: ['a', 'b', null] });
  });
});
