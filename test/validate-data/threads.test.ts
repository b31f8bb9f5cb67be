import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchema, schemaSource } from '../../shared/schema/load.js';
import { createCellChecker, validateTable } from '../../shared/schema/validate.js';
import { openTable } from '../../shared/data/index.js';
import { tempDir } from './helpers.js';

// The worker-thread path (cells checked on workers, keys and the error list merged here) must
// give the very same report as the single-threaded loop: same errors, order, counts and checks.
// The file spans many 1 MiB read chunks, and errors of every kind fall in every chunk.
const dir = tempDir('modelci-threads-');
const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'golf'];

function row(i: number): string {
  const id = i % 9973 === 5 ? i - 1 : i; // repeated unique id (and primary key)
  const x = i % 7919 === 3 ? 'abc' : i % 6007 === 1 ? '' : ((i * 37) % 1000) / 10; // type errors, required
  const cat = i % 5003 === 2 ? 'zz' : `c${i % 5}`; // enum
  const day = i % 4001 === 9 ? '2031-01-01' : `202${i % 5}-0${1 + (i % 9)}-1${i % 10}`; // range
  const text = i % 3001 === 4 ? '"quoted, ""odd"" TEXT"' : `${WORDS[i % 5]} ${WORDS[(i * 3) % 5]}`; // pattern; escaped cell
  const score = i % 2003 === 6 ? '1.5' : i % 2999 === 8 ? 'NA' : ((i * 13) % 100) / 100; // custom missing value
  const flag = i % 4999 === 11 ? 'maybe' : i % 2 === 0 ? 'true' : 'false'; // mostly
  const k1 = i % 6 === 0 ? '' : String(i % 4000); // unique key with nulls
  let line = `${id},${x},${cat},${day},${text},${score},${flag},${k1},${i % 3}`;
  if (i % 8009 === 10) line += ',extra';
  if (i % 7001 === 12) line = line.split(',').slice(0, 4).join(','); // before the text, which may be quoted
  if (i % 6007 === 13) line = '';
  if (i % 5501 === 14) line = ',,,,,,,,';
  return line;
}

/** Counts what the workers answered, through validateTable's observer. */
function workerCounter() {
  const seen = { chunks: 0, deferred: 0, failures: 0 };
  return { seen, workers: { answered: ({ deferred, failed }: { deferred: boolean; failed: boolean }) => ((seen.chunks += 1), (seen.deferred += deferred ? 1 : 0), (seen.failures += failed ? 1 : 0)) } };
}

const rows = Array.from({ length: 120_000 }, (_, i) => row(i + 1));
for (let i = 1000; i < 120_000; i += 15_000) rows[i] = rows[i - 1]!; // duplicate rows
const data = join(dir, 'many-chunks.csv');
writeFileSync(data, `id,x,cat,day,text,score,flag,k1,k2\n${rows.join('\r\n')}\n`);

const schema = parseSchema(
  'schema.json',
  JSON.stringify({
    fields: [
      { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
      { name: 'x', type: 'number', constraints: { required: true, minimum: 0 }, 'x-modelci': { mean: { min: 0, max: 100 }, quantiles: [{ q: 0.5, min: 0, max: 100 }] } },
      { name: 'cat', type: 'string', constraints: { enum: ['c0', 'c1', 'c2', 'c3', 'c4'] }, 'x-modelci': { maxNullFraction: 0.5 } },
      { name: 'day', type: 'date', constraints: { maximum: '2030-12-31' } },
      { name: 'text', type: 'string', constraints: { pattern: '[a-z]+ [a-z]+' } },
      { name: 'score', type: 'number', missingValues: ['', 'NA'], constraints: { maximum: 1 }, 'x-modelci': { max: { max: 1 } } },
      { name: 'flag', type: 'boolean', 'x-modelci': { mostly: 0.9999 } },
      { name: 'k1', type: 'integer' },
      { name: 'k2', type: 'integer' },
    ],
    primaryKey: ['id'],
    uniqueKeys: [['k1', 'k2']],
    'x-modelci': { maxDuplicateRows: 0 },
  }),
);

describe('validate-data on worker threads', () => {
  it('gives the same report with and without workers on a many-chunk file full of errors', async () => {
    const counter = workerCounter();
    const single = await validateTable(data, schema, { threads: 1, maxErrors: 100_000, workers: counter.workers });
    expect(single.rowCount).toBe(120_000);
    const codes = Object.keys(single.errorCounts).sort();
    expect(codes).toEqual(['blank-row', 'constraint-error', 'extra-cell', 'missing-cell', 'primary-key', 'type-error', 'unique-error']);
    expect(single.checks.find((c) => c.name === 'duplicate-rows')?.observed).toBeGreaterThan(0);
    expect(single.checks.find((c) => c.name === 'mostly')?.status).toBe('failed');
    expect(counter.seen.chunks).toBe(0);
    for (const threads of [2, 3]) {
      const { seen, workers } = workerCounter();
      const parallel = await validateTable(data, schema, { threads, maxErrors: 100_000, workers });
      expect(seen.chunks).toBeGreaterThanOrEqual(2); // the workers did check chunks (this thread takes the rest when they are behind)
      expect(parallel).toEqual(single);
      expect(JSON.stringify(parallel)).toBe(JSON.stringify(single));
    }
    // A short error list keeps the first errors in row order, and the exact counts, either way.
    const short = await validateTable(data, schema, { threads: 2, maxErrors: 7 });
    expect(JSON.stringify(short.errors)).toBe(JSON.stringify(single.errors.slice(0, 7)));
    expect(short.errorCounts).toEqual(single.errorCounts);
  });

  // Plain chunks (no quotes, LF endings) are only split into rows here and parsed on the workers.
  // The second schema lets every column be screened column by column (column-kernels.ts): no
  // custom missing values, and the worker's kernels must find every row the full checks would.
  const screened = parseSchema('screened.json', JSON.stringify({ ...JSON.parse(schemaSource(schema)!), fields: JSON.parse(schemaSource(schema)!).fields.map((field: { name: string }) => (field.name === 'score' ? { ...field, missingValues: undefined } : field)) }));
  it.each([
    ['the first schema', schema],
    ['a schema every column of which is screened', screened],
  ])('gives the same report when the workers also parse the rows (%s)', async (_, chosen) => {
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, `id,x,cat,day,text,score,flag,k1,k2\n${rows.map((line) => line.replace(/"[^\n]*?TEXT"/, 'odd text')).join('\n')}`);
    const single = await validateTable(plain, chosen, { threads: 1, maxErrors: 100_000 });
    expect(single.rowCount).toBe(120_000);
    expect(single.errorCount).toBeGreaterThan(100);
    const { seen, workers } = workerCounter();
    const parallel = await validateTable(plain, chosen, { threads: 2, maxErrors: 100_000, workers });
    expect(seen.chunks).toBeGreaterThanOrEqual(2);
    expect(seen.deferred).toBeGreaterThanOrEqual(2); // sent unparsed
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(single));
  });

  it('screens clean rows column by column only when every column has a kernel', async () => {
    const table = await openTable(join(dir, 'plain.csv'));
    const chunk = (await table.batches[Symbol.asyncIterator]().next()).value!.chunk!;
    await table.close();
    for (const [chosen, screens] of [[schema, false], [screened, true]] as const) {
      const cells = createCellChecker(table.header, table.headerLine, chosen)(chunk, 2);
      expect(cells.errors.length).toBeGreaterThan(0);
      expect(cells.screened > chunk.rowCount * 0.5).toBe(screens); // k1 is empty in a sixth of the rows
    }
  });

  it('reports bad bytes in a chunk parsed on a worker with the same message and line', async () => {
    const bad = join(dir, 'bad-utf8.csv');
    const head = Buffer.from(`id,x,cat,day,text,score,flag,k1,k2\n${rows.slice(0, 90_000).join('\n').replace(/"/g, '')}\n`);
    writeFileSync(bad, Buffer.concat([head, Buffer.from('90001,1,c1,2024-01-01,caf'), Buffer.from([0xe9]), Buffer.from(' x,0.5,true,1,1\n')]));
    const { seen, workers } = workerCounter();
    const failure = async (threads: number) => validateTable(bad, schema, { threads, workers }).then(() => undefined, (error: unknown) => error as { code: string; message: string; location: unknown });
    const single = await failure(1);
    expect(single?.code).toBe('data-invalid-utf8');
    expect(single?.message).toBe(`invalid UTF-8 at line ${90_002}`);
    const parallel = await failure(2);
    expect(seen.failures).toBe(1); // found while a worker parsed the chunk
    expect([parallel?.code, parallel?.message, parallel?.location]).toEqual([single?.code, single?.message, single?.location]);
  });
});
