import type { Cell, RowBatch } from '../data/index.js';
import type { ParquetColumn } from '../data/table-types.js';
import { cellAt, dayCell, textAt } from '../data/parquet-columns.js';
import { INVALID, type Value } from './casters.js';
import type { Constraint } from './load.js';
import { bytePattern, passesBytes, type BytePattern, type NumericRange } from './cell-rules.js';
import type { DataError } from './cell-result.js';
import { processBatch } from './row-check.js';
import { checkRowKeys, type RowAt } from './row-keys.js';
import type { Hot } from './row-state.js';

/**
 * Checks a batch of typed Parquet columns column by column, with the row checks' own casts and
 * constraints: numbers straight from their Float64Array, dictionary values, booleans and dates
 * once per distinct value. Only rows with a cell that fails (or a null where one is required,
 * or every cell null) are built as cells and go through processBatch, which writes every error
 * exactly as for any other row; for the clean rows only the keys and statistics are taken, in
 * row order, from the typed values.
 */

/** A cell's outcome: its value (null when present but not of a fabricated field's type), or one of these. */
const NULL_CELL = Symbol('null');
const DIRTY = Symbol('dirty');
/** Passes, in a field whose value nothing needs (not a value field): the string is not kept. */
const CLEAN = Symbol('clean');
type Outcome = Value | null | typeof NULL_CELL | typeof DIRTY | typeof CLEAN;

const STATE_CLEAN = 0;
const STATE_NULL = 1;
const STATE_DIRTY = 2;
/** Day numbers (and booleans' 0 and 1) whose outcomes a column remembers: a window this wide, placed around the first seen. */
const DAY_WINDOW = 1 << 16;

export interface TypedScreen {
  hot: Hot;
  /** Fields whose clean values the row order needs: keys and statistics (validate.ts's valueFields). */
  valueFields: number[];
  /** Cast as the row checks do with nothing in between (number/integer field, only '' missing). */
  plainNumber: boolean[];
  /** Per boolean or date column, outcome k is that of day number (or 0/1) base + k; an array, not a Map: a lookup per row. */
  days: { base: number; outcomes: (Outcome | undefined)[]; states: Uint8Array }[];
  /** Outcomes per dictionary value, for the dictionary (of one column chunk, by its dictId) they were worked out for. */
  dictionaries: { id: number | undefined; outcomes: Outcome[] | undefined; states: Uint8Array; allClean: boolean }[];
  /** String fields whose constraints are a pattern and lengths, checked on an ASCII value's bytes (not value fields). */
  patterns: (BytePattern | undefined)[];
  ordered: boolean[];
  state: Uint8Array;
  dirty: Uint8Array;
  /** Per column, the nulls of the batch being screened. */
  nullCounts: Float64Array;
}

/** The screen for these fields, or undefined when the rows must be checked whole (duplicate-row check). */
export function planTypedScreen(hot: Hot, valueFields: number[]): TypedScreen | undefined {
  if (hot.dupRows || hot.m === 0) return undefined;
  const plainNumber = hot.fields.map((field, j) => hot.checkable[j]! && hot.onlyEmptyMissing[j]! && (field.type === 'number' || field.type === 'integer'));
  return {
    hot,
    valueFields,
    plainNumber,
    days: hot.fields.map(() => ({ base: NaN, outcomes: [], states: new Uint8Array(0) })),
    dictionaries: hot.fields.map(() => ({ id: undefined, outcomes: [], states: new Uint8Array(0), allClean: false })),
    patterns: hot.fields.map((field, j) => (hot.checkable[j] && !valueFields.includes(j) ? bytePattern(field, hot.onlyEmptyMissing[j]!, hot.constraints[j]!) : undefined)),
    ordered: hot.fields.map((_field, j) => valueFields.includes(j)),
    state: new Uint8Array(0),
    dirty: new Uint8Array(0),
    nullCounts: new Float64Array(0),
  };
}

function passes(list: Constraint[], range: NumericRange | undefined, value: Value): boolean {
  if (range !== undefined && typeof value === 'number' && value >= range.min && value <= range.max && value > range.above && value < range.below) return true;
  for (let c = 0; c < list.length; c++) if (!list[c]!.test(value)) return false;
  return true;
}

/** What processBatch would make of this cell, without its errors. */
function outcomeOf(hot: Hot, j: number, cell: Cell): Outcome {
  const isNull = cell === null || (hot.onlyEmptyMissing[j] ? cell === '' : hot.missing[j]!.has(String(cell)));
  if (isNull) return hot.required[j] ? DIRTY : NULL_CELL;
  const value = hot.casts[j]!(cell!);
  if (value === INVALID) return hot.checkable[j] ? DIRTY : null;
  return passes(hot.constraints[j]!, hot.ranges[j], value) ? value : DIRTY;
}

function plainNumberOutcome(hot: Hot, j: number, value: number): Outcome {
  if (hot.fields[j]!.type === 'integer' && !Number.isInteger(value)) return DIRTY;
  return passes(hot.constraints[j]!, hot.ranges[j], value) ? value : DIRTY;
}

/** The outcome of value k of a UTF-8 string column (its bytes in text at spans[2k], spans[2k + 1]). */
function textOutcome(screen: TypedScreen, j: number, text: Buffer, spans: Int32Array, k: number): Outcome {
  const pattern = screen.patterns[j];
  if (pattern !== undefined && spans[2 * k + 1]! > spans[2 * k]! && passesBytes(pattern, text, spans[2 * k]!, spans[2 * k + 1]!)) return CLEAN;
  const outcome = outcomeOf(screen.hot, j, textAt(text, spans, k));
  return screen.ordered[j] || typeof outcome === 'symbol' || outcome === null ? outcome : CLEAN;
}

/** The outcomes and states of a string column chunk's dictionary entries, worked out once per dictionary. */
function dictionaryCache(screen: TypedScreen, j: number, column: ParquetColumn): TypedScreen['dictionaries'][number] {
  const cache = screen.dictionaries[j]!;
  if (cache.id !== column.dictId) {
    cache.id = column.dictId;
    const dict = column.dict ?? [];
    const { text, dictSpans } = column;
    // Only a field whose values the row order needs keeps them; for the others the state says all.
    const outcomes = screen.ordered[j] ? new Array<Outcome>(dict.length) : undefined;
    if (cache.states.length < dict.length) cache.states = new Uint8Array(Math.max(dict.length, cache.states.length * 2));
    const states = cache.states;
    let allClean = true;
    for (let k = 0; k < dict.length; k++) {
      const outcome = dictSpans !== undefined ? textOutcome(screen, j, text!, dictSpans, k) : outcomeOf(screen.hot, j, dict[k]!);
      if (outcomes !== undefined) outcomes[k] = outcome;
      const state = stateOf(outcome);
      states[k] = state;
      if (state !== STATE_CLEAN) allClean = false;
    }
    cache.outcomes = outcomes;
    cache.allClean = allClean;
  }
  return cache;
}

/** Whether every entry of a number or date column chunk's dictionary passes (once per dictionary; no outcome is kept). */
function numberDictionaryPasses(screen: TypedScreen, j: number, column: ParquetColumn): boolean {
  const cache = screen.dictionaries[j]!;
  if (cache.id !== column.dictId) {
    cache.id = column.dictId;
    const hot = screen.hot;
    const dict = column.dictNum!;
    let allClean = true;
    for (let k = 0; k < column.dictCount && allClean; k++) {
      const value = dict[k]!;
      const outcome = column.kind === 'date' ? dayOutcome(screen, j, column.kind, value) : screen.plainNumber[j] ? plainNumberOutcome(hot, j, value) : outcomeOf(hot, j, value);
      allClean = stateOf(outcome) === STATE_CLEAN;
    }
    cache.allClean = allClean;
  }
  return cache.allClean;
}

/**
 * Every row of the chunk passes: none is null, and each value came through the chunk's
 * dictionary, every entry of which passes (so the rows need no look at all).
 */
function passesWhole(screen: TypedScreen, j: number, column: ParquetColumn): boolean {
  if (!column.nullFree || !column.dictionaryOnly || column.kind === 'boolean' || column.dictId === undefined) return false;
  if (column.kind === 'cells') return dictionaryCache(screen, j, column).allClean;
  // A dictionary of nearly distinct numbers costs as much to check as the rows.
  return column.dictCount <= column.rows / 4 && numberDictionaryPasses(screen, j, column);
}

const OUTCOME_OF_STATE: Outcome[] = [CLEAN, NULL_CELL, DIRTY];

/** Dictionary entry `code`'s outcome: its value for a field whose values the row order needs. */
function dictionaryOutcome(screen: TypedScreen, j: number, column: ParquetColumn, code: number): Outcome {
  const cache = dictionaryCache(screen, j, column);
  return cache.outcomes !== undefined ? cache.outcomes[code]! : OUTCOME_OF_STATE[cache.states[code]!]!;
}
const dictionaryStates = (screen: TypedScreen, j: number, column: ParquetColumn): Uint8Array => dictionaryCache(screen, j, column).states;

function stateOf(outcome: Outcome): number {
  return outcome === DIRTY ? STATE_DIRTY : outcome === NULL_CELL ? STATE_NULL : STATE_CLEAN;
}

/** Not worked out yet (a day's state in the window). */
const STATE_UNKNOWN = 255;

/** The outcome of a boolean's or date's day number (0/1 for booleans), worked out once per distinct one in the window. */
function dayOutcome(screen: TypedScreen, j: number, kind: 'boolean' | 'date', key: number): Outcome {
  const cache = screen.days[j]!;
  if (Number.isNaN(cache.base)) {
    cache.base = key - DAY_WINDOW / 2;
    cache.outcomes = new Array<Outcome | undefined>(DAY_WINDOW);
    cache.states = new Uint8Array(DAY_WINDOW).fill(STATE_UNKNOWN);
  }
  const k = key - cache.base;
  if (!(k >= 0 && k < DAY_WINDOW)) return outcomeOf(screen.hot, j, dayCell(kind, key));
  let outcome = cache.outcomes[k];
  if (outcome === undefined) {
    cache.outcomes[k] = outcome = outcomeOf(screen.hot, j, dayCell(kind, key));
    cache.states[k] = stateOf(outcome);
  }
  return outcome;
}

/** The outcome of row r's cell in column j (r within the row group). */
function cellOutcome(screen: TypedScreen, j: number, column: ParquetColumn, r: number): Outcome {
  const hot = screen.hot;
  if (column.valid[r] === 0) return hot.required[j] ? DIRTY : NULL_CELL;
  switch (column.kind) {
    case 'number':
      return screen.plainNumber[j] ? plainNumberOutcome(hot, j, column.num![r]!) : outcomeOf(hot, j, column.num![r]!);
    case 'boolean':
    case 'date':
      return dayOutcome(screen, j, column.kind, column.num![r]!);
    case 'cells': {
      const code = column.codes![r]!;
      if (code >= 0) return dictionaryOutcome(screen, j, column, code);
      return code === -2 ? textOutcome(screen, j, column.text!, column.spans!, r) : outcomeOf(hot, j, column.other![r]!);
    }
    default:
      throw new Error(`unknown parquet column kind ${column.kind as string}`);
  }
}

/** Fills state[j * n + r] for one column; returns how many of its cells are null. */
function screenColumn(screen: TypedScreen, j: number, column: ParquetColumn, start: number, n: number): number {
  const { state, dirty } = screen;
  const base = j * n;
  const valid = column.valid;
  let nullCount = 0;
  if (passesWhole(screen, j, column)) {
    state.fill(STATE_CLEAN, base, base + n);
    return 0;
  }
  if (column.kind === 'number' && screen.plainNumber[j]) {
    const num = column.num!;
    const hot = screen.hot;
    const required = hot.required[j]!;
    // Values stored as integers need no look to be integers.
    const integer = hot.fields[j]!.type === 'integer' && !column.integral;
    const list = hot.constraints[j]!;
    const range = hot.ranges[j];
    const bounded = range ?? { min: -Infinity, max: Infinity, above: -Infinity, below: Infinity };
    const unconstrained = list.length === 0;
    if (column.nullFree && unconstrained && !integer) {
      state.fill(STATE_CLEAN, base, base + n);
      return 0;
    }
    for (let i = 0; i < n; i++) {
      const r = start + i;
      let s = STATE_CLEAN;
      if (valid[r] === 0) {
        s = required ? STATE_DIRTY : STATE_NULL;
        nullCount++;
      } else {
        const value = num[r]!;
        if (integer && !Number.isInteger(value)) s = STATE_DIRTY;
        else if (!unconstrained && !(range !== undefined && value >= bounded.min && value <= bounded.max && value > bounded.above && value < bounded.below) && !passes(list, undefined, value)) s = STATE_DIRTY;
      }
      state[base + i] = s;
      if (s === STATE_DIRTY) dirty[i] = 1;
    }
    // A required null is dirty, not null: its row is counted by the row checks.
    return required ? 0 : nullCount;
  }
  if (column.kind === 'boolean' || column.kind === 'date') {
    // A day number (or 0/1) seen before goes straight to its state.
    const num = column.num!;
    const cache = screen.days[j]!;
    for (let i = 0; i < n; i++) {
      const r = start + i;
      const k = valid[r] === 0 ? -1 : num[r]! - cache.base;
      let s = k >= 0 && k < DAY_WINDOW ? cache.states[k]! : STATE_UNKNOWN;
      if (s === STATE_UNKNOWN) s = stateOf(cellOutcome(screen, j, column, r));
      state[base + i] = s;
      if (s === STATE_DIRTY) dirty[i] = 1;
      else if (s === STATE_NULL) nullCount++;
    }
    return nullCount;
  }
  // Dictionary codes (most string cells) go straight to their entry's state.
  const codes = column.kind === 'cells' ? column.codes! : undefined;
  const states = codes !== undefined ? dictionaryStates(screen, j, column) : undefined;
  for (let i = 0; i < n; i++) {
    const r = start + i;
    const code = codes !== undefined && valid[r] !== 0 ? codes[r]! : -1;
    const s = code >= 0 ? states![code]! : stateOf(cellOutcome(screen, j, column, r));
    state[base + i] = s;
    if (s === STATE_DIRTY) dirty[i] = 1;
    else if (s === STATE_NULL) nullCount++;
  }
  return nullCount;
}

/**
 * Checks one batch of typed columns (no row repeats an earlier one: see planTypedScreen). A column
 * left undefined (not read: the schema does not name it) counts as null, so that it can only
 * matter when a row has a blank or failing cell: then nothing is counted and the answer is
 * false, for the caller to read the missing columns and check the batch again.
 */
export function screenTypedBatch(screen: TypedScreen, batch: RowBatch): boolean {
  const hot = screen.hot;
  const { m, nulls, mostly, mostlyState, needStats, stats, needValues, values, sink } = hot;
  const { columns, start } = batch.columns!;
  const n = batch.rowCount;
  if (screen.dirty.length < n) screen.dirty = new Uint8Array(n);
  if (screen.state.length < n * m) screen.state = new Uint8Array(n * m);
  const { state, dirty } = screen;
  dirty.fill(0, 0, n);
  let skipped = false;
  if (screen.nullCounts.length < m) screen.nullCounts = new Float64Array(m);
  const nullCounts = screen.nullCounts;
  for (let j = 0; j < m; j++) {
    const column = columns[j];
    if (column !== undefined) nullCounts[j] = screenColumn(screen, j, column, start, n);
    else {
      state.fill(STATE_NULL, j * n, (j + 1) * n);
      nullCounts[j] = n;
      skipped = true;
    }
  }
  // A row of nulls only is a blank row: the row checks report it.
  let dirtyRows = 0;
  for (let i = 0; i < n; i++) {
    if (dirty[i] === 0) {
      let j = 0;
      while (j < m && state[j * n + i] === STATE_NULL) j++;
      if (j === m) dirty[i] = 1;
    }
    if (dirty[i] !== 0) {
      dirtyRows++;
      // Null counts are of the clean rows (the row checks count the dirty ones).
      for (let j = 0; j < m; j++) if (state[j * n + i] === STATE_NULL) nullCounts[j] = nullCounts[j]! - 1;
    }
  }
  // A row checked as a row is built whole, and whether it is blank depends on every cell.
  if (skipped && dirtyRows > 0) return false;
  // Null counts and `mostly` tallies of the clean rows.
  for (let j = 0; j < m; j++) {
    nulls[j] = nulls[j]! + nullCounts[j]!;
    if (mostly[j] !== undefined) mostlyState[j]!.nonNull += n - dirtyRows - nullCounts[j]!;
  }
  const orderedFields = screen.valueFields;
  const plainNumber = screen.plainNumber;
  const cells = new Array<Cell>(m).fill(null);
  const where: RowAt = { k: m, cells, chunk: undefined, base: 0 };
  const addToSink = (error: DataError, phase: number) => sink.add(error, phase);
  const needRowOrder = orderedFields.length > 0;
  for (let i = 0; i < n; i++) {
    const r = start + i;
    const rowNumber = batch.firstRowNumber + i;
    if (dirty[i] !== 0) {
      const row = new Array<Cell>(m);
      for (let j = 0; j < m; j++) row[j] = cellAt(columns[j]!, r);
      processBatch(hot, { firstRowNumber: rowNumber, rowCount: 1, rows: [row] });
      continue;
    }
    if (!needRowOrder) continue;
    for (const j of orderedFields) {
      const column = columns[j]!;
      let value: Value | null = null;
      // A clean plain number is its own value (its cell too): no outcome to work out again.
      const plain = column.kind === 'number' && plainNumber[j]!;
      if (state[j * n + i] !== STATE_NULL) {
        if (plain) value = column.num![r]!;
        else {
          const outcome = cellOutcome(screen, j, column, r);
          value = outcome === DIRTY || outcome === NULL_CELL || outcome === CLEAN ? null : outcome;
        }
      }
      values[j] = value;
      if (needValues) cells[j] = plain ? (value as number | null) : cellAt(column, r);
      if (needStats[j] && typeof value === 'number' && !Number.isNaN(value)) stats[j]!.add(value);
    }
    if (needValues) checkRowKeys(hot, rowNumber, undefined, where, addToSink);
  }
  return true;
}
