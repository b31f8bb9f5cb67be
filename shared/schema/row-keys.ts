import type { Cell, RowBatch } from '../data/index.js';
import type { CsvChunk } from '../data/csv-chunk.js';
import { decodeField } from '../data/csv-fields.js';
import { castBytes, SLOW } from './fast-cast.js';
import { INVALID, type Value } from './casters.js';
import type { DataError } from './cell-result.js';
import { PHASE_PRIMARY, PHASE_UNIQUE, PHASE_UNIQUE_KEYS } from './error-sink.js';
import { primaryKeyError, uniqueError, uniqueKeyError, withLine } from './error-texts.js';
import type { Hot } from './row-state.js';
import { checkForeignKeys } from './foreign-keys.js';

/** Where a row's cells are, for decoding one when an error needs it. */
export interface RowAt {
  k: number;
  cells: Cell[] | undefined;
  chunk: CsvChunk | undefined;
  base: number;
}

/** The cell as written (decoded on demand for CSV). */
export function sourceAt(j: number, k: number, cells: Cell[] | undefined, chunk: CsvChunk | undefined, base: number): Cell | undefined {
  if (j >= k) return undefined;
  return cells ? cells[j] : decodeField(chunk!, base + j);
}

/** A cell's value as the row loop casts it; null when missing or not of the field's type. */
function valueAt(hot: Hot, chunk: CsvChunk, j: number, k: number, base: number): Value | null {
  if (j >= k) return null;
  const f = base + j;
  let value: Value | typeof INVALID | typeof SLOW = SLOW;
  if (chunk.escaped[f] === 0 && hot.onlyEmptyMissing[j]) {
    const start = chunk.starts[f]!;
    const end = chunk.ends[f]!;
    if (start === end) return null;
    const byteCast = hot.fast[j];
    if (byteCast) value = castBytes(byteCast, chunk.buf, start, end);
    if (value === SLOW) value = hot.casts[j]!(decodeField(chunk, f));
  } else {
    const source = decodeField(chunk, f);
    if (hot.missing[j]!.has(source)) return null;
    value = hot.casts[j]!(source);
  }
  return value === INVALID ? null : value;
}

/**
 * The in-order part of a CSV chunk whose cells were checked elsewhere: unique fields, keys,
 * duplicate rows and statistics. Errors go to `out` with their phase, in row order.
 */
export function keysBatch(hot: Hot, batch: RowBatch, blankRows: Uint8Array, valueFields: number[], out: { error: DataError; phase: number }[]): number {
  const { needStats, stats, needValues, values, dupRows } = hot;
  const chunk = batch.chunk!;
  const rowOffsets = chunk.rowOffsets;
  const lines = batch.lines;
  let duplicateRows = 0;
  const where: RowAt = { k: 0, cells: undefined, chunk, base: 0 };
  const emit = (error: DataError, phase: number) => out.push({ error, phase });
  for (let r = 0; r < batch.rowCount; r++) {
    const base = rowOffsets[r]!;
    const k = rowOffsets[r + 1]! - base;
    const rowNumber = batch.firstRowNumber + r;
    for (const j of valueFields) {
      const value = valueAt(hot, chunk, j, k, base);
      values[j] = value;
      if (needStats[j] && typeof value === 'number' && !Number.isNaN(value)) stats[j]!.add(value);
    }
    const line = lines?.[r];
    if (needValues) {
      where.k = k;
      where.base = base;
      checkRowKeys(hot, rowNumber, line, where, emit);
    }
    if (dupRows && blankRows[r] === 0) {
      // The row's bytes as written: two rows are duplicates when their text is identical.
      const key = k === 0 ? '' : chunk.buf.toString('latin1', chunk.starts[base]!, chunk.ends[base + k - 1]!);
      if (dupRows.add(key, rowNumber)) duplicateRows++;
    }
  }
  return duplicateRows;
}

/** Unique fields, the primary key and unique keys for one row; both the single-thread and the worker path use it. */
export function checkRowKeys(hot: Hot, rowNumber: number, line: number | undefined, where: RowAt, emit: (error: DataError, phase: number) => void): void {
  const { fields, values, uniqueIdx, uniqueTrackers, pkTracker, pkIdx, ukIdx, ukTrackers } = hot;
  for (let u = 0; u < uniqueIdx.length; u++) {
    const j = uniqueIdx[u]!;
    const value = values[j];
    if (value === null || value === undefined) continue;
    const previous = uniqueTrackers[u]!.add(keyOf(value), rowNumber);
    if (previous) emit(withLine(uniqueError(rowNumber, fields[j]!, j + 1, sourceAt(j, where.k, where.cells, where.chunk, where.base), previous), line), PHASE_UNIQUE);
  }
  if (pkTracker) {
    let allNull = true;
    let key: string | number = '';
    for (const j of pkIdx) {
      const value = values[j];
      if (value !== null && value !== undefined) allNull = false;
    }
    if (pkIdx.length === 1) key = keyOf(values[pkIdx[0]!] ?? null);
    else for (const j of pkIdx) key += `${keyOf(values[j] ?? null)}\u0000`;
    if (allNull) {
      emit(withLine({ code: 'primary-key', message: `Row at position "${rowNumber}" violates the primary key: cells composing the primary keys are all "None"`, rowNumber, note: 'cells composing the primary keys are all "None"' }, line), PHASE_PRIMARY);
    } else {
      const previous = pkTracker.add(key, rowNumber);
      if (previous) emit(withLine(primaryKeyError(rowNumber, previous), line), PHASE_PRIMARY);
    }
  }
  for (let u = 0; u < ukIdx.length; u++) {
    let key = '';
    let anyNull = false;
    for (const j of ukIdx[u]!) {
      const value = values[j];
      if (value === null || value === undefined) anyNull = true;
      key += `${keyOf(value ?? null)}\u0000`;
    }
    if (anyNull) continue; // as in SQL, a key with a null never collides
    const previous = ukTrackers[u]!.add(key, rowNumber);
    if (previous) emit(withLine(uniqueKeyError(rowNumber, ukIdx[u]!.map((j) => fields[j]!.name), previous), line), PHASE_UNIQUE_KEYS);
  }
  // The closure is made only here: made for every row, it was a measurable part of the loop.
  if (hot.foreign.length > 0) checkForeignKeys(hot.foreign, values, rowNumber, line, (j: number) => sourceAt(j, where.k, where.cells, where.chunk, where.base), emit);
}

/**
 * A canonical key: numbers stay numbers (no string per row); composite keys join these with
 * type tags so 1 (integer) and "1" (string) never collide.
 */
function keyOf(value: Value | null): string | number {
  if (value === null) return '\u0001';
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (Array.isArray(value)) return `a${JSON.stringify(value)}`;
  return `s${value}`;
}
