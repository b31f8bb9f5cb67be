import { environmentError, ModelciError, usageError } from '../errors.js';
import { checkDuplicateHeader, openTable, type ReadOptions, type RowBatch, type Table } from '../data/index.js';
import { parseDeferred } from '../data/csv-bytes.js';
import { receivedChunk, type CsvChunk } from '../data/csv-chunk.js';
import { schemaSource, type TableSchema } from './load.js';
import { CellPool, cellThreads, type CellPoolObserver } from './cell-pool.js';
import type { CellResult, DataError } from './cell-result.js';
import { ErrorSink, PHASE_CELL, PHASE_PRIMARY, PHASE_UNIQUE, PHASE_UNIQUE_KEYS } from './error-sink.js';
import { primaryKeyError, uniqueError, uniqueKeyError } from './error-texts.js';
import { matchHeader } from './header-check.js';
import { buildHot } from './row-state.js';
import { processBatch } from './row-check.js';
import { keysBatch } from './row-keys.js';
import { planTypedScreen, screenTypedBatch } from './typed-screen.js';
import { createCellChecker, mergeCells } from './cell-checker.js';
import { datasetChecks, round, type CheckResult } from './dataset-checks.js';
import { disposeForeignKeys, finishForeignKeys, type ForeignKeyCheck } from './foreign-keys.js';

export type { CellResult, DataError } from './cell-result.js';
export type { CheckResult } from './dataset-checks.js';
export { createCellChecker } from './cell-checker.js';

// A type alias (not an interface) so results built on it fit StepResult's Record<string, unknown> data.
export type ValidationReport = {
  rowCount: number;
  errorCount: number;
  /** Count per Frictionless code. */
  errorCounts: Record<string, number>;
  /** The first `maxErrors` errors in row order. */
  errors: DataError[];
  checks: CheckResult[];
};

export interface ValidateOptions extends ReadOptions {
  /** How many errors to list (counts stay exact). Default 1000. */
  maxErrors?: number;
  /** Distinct keys held exactly in memory per uniqueness check before spilling hashes to disk. */
  keyBudget?: number;
  /** Foreign keys with the keys they refer to (see foreign-keys.ts collectReferenceKeys). */
  foreignKeys?: readonly ForeignKeyCheck[];
  signal?: AbortSignal;
  /**
   * CSV: threads in all, this one plus `threads - 1` workers that check cells chunk by chunk
   * (keys, duplicate rows, statistics and the error list stay here, in row order, so the report
   * is the same whatever the count). Default: the machine's parallelism, at most 2. 1: no workers.
   */
  threads?: number;
  /** Told of each chunk a worker thread checked. */
  workers?: CellPoolObserver;
}

/** Validates a data file against a loaded schema; bad input (unreadable, broken CSV) throws usageError. */
export async function validateTable(path: string, schema: TableSchema, options: ValidateOptions = {}): Promise<ValidationReport> {
  // With workers, they also parse the plain chunks (no quotes): this thread only splits rows.
  // A file without a header row has the schema's columns, as frictionless-py reads it.
  const names = options.dialect?.header === false ? schema.fields.map((field) => field.name) : undefined;
  const table = await openTable(path, { ...options, deferParsing: (options.threads ?? cellThreads()) > 1 }, names);
  try {
    return await validateOpenTable(table, schema, options);
  } finally {
    await table.close();
  }
}

export async function validateOpenTable(table: Table, schema: TableSchema, options: ValidateOptions = {}): Promise<ValidationReport> {
  // By position (exact) a repeated label is a duplicate-label error and validation goes on, as in
  // frictionless-py; matching by name it would be ambiguous, and frictionless refuses it too.
  if (schema.fieldsMatch !== 'exact') checkDuplicateHeader(table);
  const limit = options.maxErrors ?? 1000;
  const sink = new ErrorSink(limit);
  const expected = matchHeader(table, schema, sink);
  const text = table.textCells;

  const setup = buildHot(expected, schema, text, options, sink, 'all');
  const { hot, fields, checkable, mostly, mostlyState, nulls, stats, uniqueIdx, ukIdx, deferred } = setup;
  let { duplicateRows } = setup;
  let rowCount = 0;
  const threads = options.threads ?? cellThreads();
  const source = text && threads > 1 ? schemaSource(schema) : undefined;
  let pool: CellPool | undefined;
  let here: ((chunk: CsvChunk, firstRowNumber: number) => CellResult) | undefined;
  const queue: { batch: RowBatch; result: Promise<CellResult | undefined>; ready: boolean }[] = [];
  const valueFields = [...new Set([...uniqueIdx, ...hot.pkIdx, ...ukIdx.flat(), ...hot.foreign.flatMap((state) => state.columns), ...hot.needStats.flatMap((need, j) => (need ? [j] : []))])];
  const keyErrors: { error: DataError; phase: number }[] = [];
  // Parquet: typed columns screened column by column, only failing rows checked as rows.
  const typed = text ? undefined : planTypedScreen(hot, valueFields);
  // Only the columns the schema names are decoded (when the table can read the others later: they
  // still say whether a row is blank).
  if (typed) table.useColumns?.(table.readSkippedColumns ? checkable : undefined);
  // The oldest chunk in flight: its cell results (from a worker, or here when workers failed)
  // merged with its keys in the order the single-threaded loop adds them.
  const checkHere = (batch: RowBatch) => {
    here ??= createCellChecker(table.header, table.headerLine, schema);
    const cells = here(batch.chunk!, batch.firstRowNumber);
    useParsed(batch, cells.chunk!);
    return cells;
  };
  const drain = async () => {
    const { batch, result } = queue.shift()!;
    let cells = await result;
    if (cells?.failure) throw new ModelciError(cells.failure.kind, cells.failure.message, cells.failure.options);
    if (cells?.chunk) {
      useParsed(batch, receivedChunk(cells.chunk));
    } else if (batch.chunk!.buf.buffer.byteLength === 0) {
      throw environmentError(`a validate-data worker thread stopped while checking rows ${batch.firstRowNumber} to ${batch.firstRowNumber + batch.rowCount - 1}`, {
        code: 'validate-worker-failed',
        hint: 'The rows it held are gone with it; run the step again. If it keeps happening, report it with the data file.',
      });
    }
    cells ??= checkHere(batch);
    mergeCells(setup, cells);
    keyErrors.length = 0;
    duplicateRows += keysBatch(hot, batch, cells.blank, valueFields, keyErrors);
    let i = 0;
    const list = cells.errors;
    for (const item of keyErrors) {
      while (i < list.length && list[i]!.rowNumber! <= item.error.rowNumber!) sink.add(list[i++]!);
      sink.add(item.error, item.phase);
    }
    while (i < list.length) sink.add(list[i++]!);
    table.recycle?.(batch.chunk!);
  };
  try {
    let first = true;
    for await (const batch of table.batches) {
      if (options.signal?.aborted) throw usageError('validation cancelled', { code: 'cancelled' });
      rowCount += batch.rowCount;
      if (batch.columns) {
        if (!screenTypedBatch(typed!, batch)) {
          await table.readSkippedColumns!();
          screenTypedBatch(typed!, batch);
        }
        continue;
      }
      if (first || source === undefined || !batch.chunk) {
        // One chunk (most small files) never starts a worker.
        first = false;
        if (batch.chunk?.deferred) useParsed(batch, parseDeferred(batch.chunk));
        duplicateRows += processBatch(hot, batch);
        if (batch.chunk) table.recycle?.(batch.chunk);
        continue;
      }
      pool ??= new CellPool(threads - 1, { header: table.header, headerLine: table.headerLine, file: schema.file, text: source }, options.workers);
      // Work sharing: while the workers have enough queued, this thread checks the chunk itself,
      // so both cores stay busy whichever side (parsing and keys here, cells there) is slower.
      if (pool.pending < pool.size * 4) {
        const entry = { batch, result: pool.run(batch.chunk, batch.firstRowNumber), ready: false };
        void entry.result.then(() => (entry.ready = true));
        queue.push(entry);
      } else queue.push({ batch, result: Promise.resolve(checkHere(batch)), ready: true });
      while (queue.length > pool.size * 6 || queue[0]?.ready) await drain();
    }
    while (queue.length > 0) await drain();
    await pool?.close();
    pool = undefined;

    // Duplicates found only after spilling: verify them by re-reading those rows.
    for (const item of deferred) {
      const found = item.tracker.finish(limit);
      if (found.count === 0) continue;
      if (item.kind === 'rows') {
        duplicateRows += found.count;
        continue;
      }
      for (const duplicate of found.first) {
        if (item.kind === 'unique') {
          const j = uniqueIdx[item.index]!;
          sink.keep(uniqueError(duplicate.rowNumber, fields[j]!, j + 1, undefined, duplicate.previous), PHASE_UNIQUE);
        } else if (item.kind === 'primary') sink.keep(primaryKeyError(duplicate.rowNumber, duplicate.previous), PHASE_PRIMARY);
        else sink.keep(uniqueKeyError(duplicate.rowNumber, ukIdx[item.index]!.map((j) => fields[j]!.name), duplicate.previous), PHASE_UNIQUE_KEYS);
      }
      const code = item.kind === 'primary' ? 'primary-key' : 'unique-error';
      sink.count += found.count;
      sink.counts[code] = (sink.counts[code] ?? 0) + found.count;
    }
    finishForeignKeys(hot.foreign, sink, limit);
  } finally {
    void pool?.close();
    for (const item of deferred) item.tracker.dispose();
    disposeForeignKeys(hot.foreign);
  }

  // `mostly`: a field's cell errors count only when too few non-null values pass.
  const checks: CheckResult[] = [];
  fields.forEach((field, j) => {
    const threshold = mostly[j];
    if (threshold === undefined) return;
    const state = mostlyState[j]!;
    const passRate = state.nonNull === 0 ? 1 : (state.nonNull - state.failed) / state.nonNull;
    const passed = passRate >= threshold;
    if (!passed) {
      for (const [code, count] of Object.entries(state.counts)) {
        sink.count += count;
        sink.counts[code] = (sink.counts[code] ?? 0) + count;
      }
      for (const error of state.errors) sink.keep(error, PHASE_CELL);
    }
    checks.push({
      name: 'mostly',
      field: field.name,
      status: passed ? 'passed' : 'failed',
      observed: round(passRate),
      expected: `>= ${threshold}`,
      count: state.failed,
      message: `${state.failed} of ${state.nonNull} non-null values in '${field.name}' break its type or constraints (pass rate ${round(passRate)}, mostly ${threshold})`,
      examples: state.errors.slice(0, 3),
    });
  });

  const errors = sink.list();
  checks.unshift({
    name: 'table-schema',
    status: sink.count === 0 ? 'passed' : 'failed',
    count: sink.count,
    message: sink.count === 0 ? `${rowCount} rows match the schema` : `${sink.count} error${sink.count === 1 ? '' : 's'}: ${Object.entries(sink.counts).map(([code, count]) => `${count} ${code}`).join(', ')}`,
    examples: errors.slice(0, 3),
  });
  datasetChecks(schema, rowCount, duplicateRows, fields, checkable, nulls, stats, checks);
  return { rowCount, errorCount: sink.count, errorCounts: sink.counts, errors, checks };
}

function useParsed(batch: RowBatch, chunk: CsvChunk): void {
  batch.chunk = chunk;
  batch.lines = chunk.lines;
}
