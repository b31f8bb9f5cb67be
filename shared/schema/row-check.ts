import type { Cell, RowBatch } from '../data/index.js';
import { decodeField } from '../data/csv-fields.js';
import { castBytes, SLOW } from './fast-cast.js';
import { passesBytes } from './cell-rules.js';
import { INVALID, type Value } from './casters.js';
import type { Constraint } from './load.js';
import type { DataError, MostlyState } from './cell-result.js';
import { cellError, cellText, cut } from './error-texts.js';
import { checkRowKeys, sourceAt, type RowAt } from './row-keys.js';
import type { Hot } from './row-state.js';

const NO_CONSTRAINTS: Constraint[] = [];

/**
 * Checks one batch of rows; returns how many rows repeated an earlier row (in-memory phase).
 * `only`: check just the rows marked 1 (the others were screened clean).
 */
export function processBatch(hot: Hot, batch: RowBatch, only?: Uint8Array): number {
  const { sink, fields, m, casts, missing, onlyEmptyMissing, required, constraints, afterFast, ranges, patterns, typeNotes, requiredNote, mostly, mostlyState, nulls, needStats, stats, needValues, values, dupRows, rowErrors, fast, checkable, collect } = hot;
  let duplicateRows = 0;
  const rows = batch.rows;
  const chunk = batch.chunk;
  const buf = chunk?.buf;
  const rowOffsets = chunk?.rowOffsets;
  const starts = chunk?.starts;
  const ends = chunk?.ends;
  const escaped = chunk?.escaped;
  const lines = batch.lines;
  // Reused for every row: no closures per row in the hot loop.
  const where: RowAt = { k: 0, cells: undefined, chunk, base: 0 };
  const addToSink = (error: DataError, phase: number) => sink.add(error, phase);
  for (let r = 0; r < batch.rowCount; r++) {
    if (only !== undefined && only[r] === 0) continue;
    const cells = rows ? rows[r]! : undefined;
    const base = rowOffsets ? rowOffsets[r]! : 0;
    const k = cells ? cells.length : rowOffsets![r + 1]! - base;
    const rowNumber = batch.firstRowNumber + r;
    let blank = 0;
    if (rowErrors.length > 0) rowErrors.length = 0;
    for (let j = 0; j < m; j++) {
      let isNull: boolean;
      let value: Value | typeof INVALID | typeof SLOW = SLOW;
      let source: Cell | undefined;
      let list = constraints[j]!;
      if (j >= k) isNull = true;
      else if (chunk) {
        const f = base + j;
        if (escaped![f] === 0 && onlyEmptyMissing[j]) {
          const start = starts![f]!;
          const end = ends![f]!;
          isNull = start === end;
          if (!isNull) {
            const pattern = patterns[j];
            if (pattern !== undefined && passesBytes(pattern, buf!, start, end)) {
              if (mostly[j] !== undefined) mostlyState[j]!.nonNull++;
              continue;
            }
            const byteCast = fast[j];
            if (byteCast !== undefined) value = castBytes(byteCast, buf!, start, end);
            if (value === SLOW) {
              source = decodeField(chunk, f);
              value = casts[j]!(source);
            } else list = afterFast[j]!;
          }
        } else {
          source = decodeField(chunk, f);
          isNull = missing[j]!.has(source);
          if (!isNull) value = casts[j]!(source);
        }
      } else {
        source = cells![j];
        if (source === undefined || source === null) isNull = true;
        // Only '' missing: String(cell) is '' for the empty string alone, so no string per cell.
        else isNull = onlyEmptyMissing[j] ? source === '' : missing[j]!.has(String(source));
        if (!isNull) value = casts[j]!(source!);
      }
      if (isNull) {
        blank++;
        nulls[j] = nulls[j]! + 1;
        if (needValues) values[j] = null;
        if (required[j]) rowErrors.push(cellError('constraint-error', rowNumber, fields[j]!, j + 1, j < k ? (source ?? sourceAt(j, k, cells, chunk, base)) : undefined, requiredNote));
        continue;
      }
      if (value === INVALID || value === SLOW) {
        if (needValues) values[j] = null;
        if (!checkable[j]) continue;
        const error = cellError('type-error', rowNumber, fields[j]!, j + 1, source ?? sourceAt(j, k, cells, chunk, base), typeNotes[j]!);
        if (mostly[j] !== undefined) deferMostly(mostlyState[j]!, error, true);
        else rowErrors.push(error);
        continue;
      }
      if (needValues) values[j] = value;
      let failed = false;
      const range = ranges[j];
      if (range !== undefined && typeof value === 'number' && value >= range.min && value <= range.max && value > range.above && value < range.below) list = NO_CONSTRAINTS;
      for (let c = 0; c < list.length; c++) {
        const constraint = list[c]!;
        if (!constraint.test(value)) {
          failed = true;
          const error = cellError('constraint-error', rowNumber, fields[j]!, j + 1, source ?? sourceAt(j, k, cells, chunk, base), constraint.note);
          if (mostly[j] !== undefined) deferMostly(mostlyState[j]!, error, false);
          else rowErrors.push(error);
        }
      }
      if (mostly[j] !== undefined) {
        mostlyState[j]!.nonNull++;
        if (failed) mostlyState[j]!.failed++;
      }
      if (needStats[j] && typeof value === 'number' && !Number.isNaN(value)) stats[j]!.add(value);
    }
    for (let j = m; j < k; j++) {
      rowErrors.push({ code: 'extra-cell', message: `Row at position "${rowNumber}" has an extra value in field at position "${j + 1}"`, rowNumber, fieldName: '', fieldNumber: j + 1, cell: cut(cellText(sourceAt(j, k, cells, chunk, base))) });
    }
    for (let j = k; j < m; j++) {
      rowErrors.push({ code: 'missing-cell', message: `Row at position "${rowNumber}" has a missing cell in field "${fields[j]!.name}" at position "${j + 1}"`, rowNumber, fieldName: fields[j]!.name, fieldNumber: j + 1, cell: '' });
    }
    const line = lines?.[r];
    if (blank === m) {
      rowErrors.length = 0;
      rowErrors.push({ code: 'blank-row', message: `Row at position "${rowNumber}" is completely blank`, rowNumber });
    }
    if (collect) {
      collect.blank[r] = blank === m ? 1 : 0;
      for (const error of rowErrors) {
        if (line !== undefined) error.line = line;
        collect.errors.push(error);
      }
      continue;
    }
    for (const error of rowErrors) {
      if (line !== undefined) error.line = line;
      sink.add(error);
    }
    if (needValues) {
      where.k = k;
      where.cells = cells;
      where.base = base;
      checkRowKeys(hot, rowNumber, line, where, addToSink);
    }
    if (dupRows && blank !== m) {
      let key: string;
      if (chunk) {
        // The row's bytes as written: two rows are duplicates when their text is identical.
        key = k === 0 ? '' : (buf as Buffer).toString('latin1', starts![base]!, ends![base + k - 1]!);
      } else key = cells!.map(cellText).join('\u0000');
      if (dupRows.add(key, rowNumber)) duplicateRows++;
    }
  }
  return duplicateRows;
}

function deferMostly(state: MostlyState, error: DataError, typeError: boolean): void {
  if (typeError) {
    state.nonNull++;
    state.failed++;
  }
  state.counts[error.code] = (state.counts[error.code] ?? 0) + 1;
  if (state.errors.length < 1000) state.errors.push(error);
}
