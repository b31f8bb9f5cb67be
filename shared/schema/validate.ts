import { environmentError, ModelciError, usageError } from '../errors.js';
import { checkDuplicateHeader, openTable, type Cell, type ReadOptions, type RowBatch, type Table } from '../data/index.js';
import { KeyTracker } from './keys.js';
import { RunningStats } from './stats.js';
import { decodeField, parseDeferred, type CsvChunk } from '../data/csv-bytes.js';
import { castBytes, createByteCaster, SLOW, type ByteCaster } from './fast-cast.js';
import { bytePattern, passesBytes, rangeOf } from './cell-rules.js';
import { INVALID, createCaster, type CastOptions, type Value } from './types.js';
import { schemaSource, type Constraint, type FieldSpec, type TableSchema } from './load.js';
import { CellPool, cellThreads } from './cell-pool.js';
import type { CellResult, DataError, MostlyState } from './cell-result.js';

export type { CellResult, DataError } from './cell-result.js';
import type { BytePattern, NumericRange } from './cell-rules.js';
import { planKernels, screenChunk } from './column-kernels.js';

export interface CheckResult {
  /** e.g. `table-schema`, `row-count`, `duplicate-rows`, `null-fraction`, `mostly`, `mean`, `quantile`. */
  name: string;
  field?: string;
  status: 'passed' | 'failed';
  /** What was measured. */
  observed?: number | null;
  /** The rule, in words: `<= 0.01`, `1000..5000`. */
  expected?: string;
  /** How many errors (or rows) the check counted. */
  count?: number;
  message: string;
  /** First examples (errors) for the summary table. */
  examples?: DataError[];
}

export interface ValidationReport {
  rowCount: number;
  errorCount: number;
  /** Count per Frictionless code. */
  errorCounts: Record<string, number>;
  /** The first `maxErrors` errors in row order. */
  errors: DataError[];
  checks: CheckResult[];
}

export interface ValidateOptions extends ReadOptions {
  /** How many errors to list (counts stay exact). Default 1000. */
  maxErrors?: number;
  /** Distinct keys held exactly in memory per uniqueness check before spilling hashes to disk. */
  keyBudget?: number;
  signal?: AbortSignal;
  /**
   * CSV: threads in all, this one plus `threads - 1` workers that check cells chunk by chunk
   * (keys, duplicate rows, statistics and the error list stay here, in row order, so the report
   * is the same whatever the count). Default: the machine's parallelism, at most 2. 1: no workers.
   */
  threads?: number;
}

const MAX_CELL = 200;

function cut(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
}

function cellText(cell: Cell | undefined): string {
  return cell === undefined || cell === null ? '' : String(cell);
}

/** Error order inside a row, as frictionless-py emits them. */
const PHASE_CELL = 0;
const PHASE_UNIQUE = 1;
const PHASE_PRIMARY = 2;
const PHASE_UNIQUE_KEYS = 3;

interface Ordered {
  error: DataError;
  phase: number;
  seq: number;
}

/** Collects errors: exact counts, and the first `limit` in (row, phase) order. */
class ErrorSink {
  count = 0;
  readonly counts: Record<string, number> = {};
  private readonly kept: Ordered[] = [];
  private seq = 0;
  private sorted = true;

  constructor(readonly limit: number) {}

  add(error: DataError, phase = PHASE_CELL): void {
    this.count++;
    this.counts[error.code] = (this.counts[error.code] ?? 0) + 1;
    this.keep(error, phase);
  }

  /** Keeps an error for listing without counting it (counted elsewhere). */
  keep(error: DataError, phase: number): void {
    if (this.kept.length >= this.limit && this.sorted) {
      const last = this.kept[this.kept.length - 1]!;
      if ((error.rowNumber ?? 0) > (last.error.rowNumber ?? 0)) return;
    }
    const previous = this.kept[this.kept.length - 1];
    if (previous && compare(previous, { error, phase, seq: this.seq }) > 0) this.sorted = false;
    this.kept.push({ error, phase, seq: this.seq++ });
    if (this.kept.length > this.limit * 2) this.trim();
  }

  private trim(): void {
    this.kept.sort(compare);
    this.sorted = true;
    if (this.kept.length > this.limit) this.kept.length = this.limit;
  }

  list(): DataError[] {
    this.trim();
    return this.kept.map((item) => item.error);
  }
}

function compare(a: Ordered, b: Ordered): number {
  return (a.error.rowNumber ?? 0) - (b.error.rowNumber ?? 0) || a.phase - b.phase || a.seq - b.seq;
}

interface Expected {
  field: FieldSpec;
  /** Fabricated `any` fields for labels the schema does not know check nothing. */
  fabricated: boolean;
}

/** Validates a data file against a loaded schema; bad input (unreadable, broken CSV) throws usageError. */
export async function validateTable(path: string, schema: TableSchema, options: ValidateOptions = {}): Promise<ValidationReport> {
  // With workers, they also parse the plain chunks (no quotes): this thread only splits rows.
  const table = await openTable(path, { ...options, deferParsing: (options.threads ?? cellThreads()) > 1 });
  try {
    return await validateOpenTable(table, schema, options);
  } finally {
    await table.close();
  }
}

export async function validateOpenTable(table: Table, schema: TableSchema, options: ValidateOptions = {}): Promise<ValidationReport> {
  checkDuplicateHeader(table);
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
  const valueFields = [...new Set([...uniqueIdx, ...hot.pkIdx, ...ukIdx.flat(), ...hot.needStats.flatMap((need, j) => (need ? [j] : []))])];
  const keyErrors: { error: DataError; phase: number }[] = [];
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
      // Buffers come back from a thread as plain Uint8Arrays over the same memory.
      const { buf } = cells.chunk;
      useParsed(batch, { ...cells.chunk, buf: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) });
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
      if (first || source === undefined || !batch.chunk) {
        // One chunk (most small files) never starts a worker.
        first = false;
        if (batch.chunk?.deferred) useParsed(batch, parseDeferred(batch.chunk));
        duplicateRows += processBatch(hot, batch);
        if (batch.chunk) table.recycle?.(batch.chunk);
        continue;
      }
      pool ??= new CellPool(threads - 1, { header: table.header, headerLine: table.headerLine, file: schema.file, text: source });
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
  } finally {
    void pool?.close();
    for (const item of deferred) item.tracker.dispose();
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

/**
 * The row loop's state for the fields matched to the header. `cells` mode (worker threads) checks
 * cells only: no keys, duplicate rows or statistics, which need every row in order.
 */
function buildHot(expected: Expected[], schema: TableSchema, text: boolean, options: ValidateOptions, sink: ErrorSink, mode: 'all' | 'cells') {
  const m = expected.length;
  // Per-field state, in arrays indexed by position for a tight row loop.
  const fields = expected.map((item) => item.field);
  const checkable = expected.map((item) => !item.fabricated);
  const casts = fields.map((field) => field.cast);
  const missing = fields.map((field) => field.missingValues);
  const onlyEmptyMissing = missing.map((set) => set.size === 1 && set.has(''));
  const required = fields.map((field, i) => checkable[i]! && field.required);
  const constraints = fields.map((field, i) => (checkable[i] ? field.constraints.filter((c) => c.name !== 'required') : []));
  const typeNotes = fields.map((field) => `type is "${field.type}/${field.format}"`);
  const requiredNote = 'constraint "required" is "true"';
  const mostly = fields.map((field, i) => (checkable[i] ? field.checks.mostly : undefined));
  const mostlyState = fields.map(() => ({ nonNull: 0, failed: 0, errors: [] as DataError[], counts: {} as Record<string, number> }));
  const nulls = new Float64Array(m);
  const needStats = fields.map((field, i) => mode === 'all' && checkable[i]! && (field.checks.mean || field.checks.min || field.checks.max || field.checks.stddev || field.checks.quantiles) !== undefined);
  const stats = fields.map((field, i) => (needStats[i] ? new RunningStats(Boolean(field.checks.quantiles)) : undefined));

  // Keys.
  const budget = options.keyBudget ?? 1 << 17;
  const byName = new Map(fields.map((field, i) => [field.name, i]));
  const uniqueIdx = mode === 'cells' ? [] : fields.map((field, i) => (checkable[i] && field.unique ? i : -1)).filter((i) => i >= 0);
  const uniqueTrackers = uniqueIdx.map(() => new KeyTracker(budget));
  const pkIdx = mode === 'cells' ? [] : schema.primaryKey.every((name) => byName.has(name)) ? schema.primaryKey.map((name) => byName.get(name)!) : [];
  const pkTracker = pkIdx.length > 0 ? new KeyTracker(budget) : undefined;
  const ukIdx = mode === 'cells' ? [] : schema.uniqueKeys.filter((key) => key.every((name) => byName.has(name))).map((key) => key.map((name) => byName.get(name)!));
  const ukTrackers = ukIdx.map(() => new KeyTracker(budget));
  const dupRows = mode === 'all' && schema.checks.maxDuplicateRows !== undefined ? new KeyTracker(Math.max(1024, budget >> 2)) : undefined;
  const deferred: { kind: 'unique' | 'primary' | 'uniqueKeys' | 'rows'; index: number; tracker: KeyTracker }[] = [
    ...uniqueTrackers.map((tracker, index) => ({ kind: 'unique' as const, index, tracker })),
    ...(pkTracker ? [{ kind: 'primary' as const, index: 0, tracker: pkTracker }] : []),
    ...ukTrackers.map((tracker, index) => ({ kind: 'uniqueKeys' as const, index, tracker })),
    ...(dupRows ? [{ kind: 'rows' as const, index: 0, tracker: dupRows }] : []),
  ];
  const needValues = uniqueIdx.length > 0 || pkIdx.length > 0 || ukIdx.length > 0;
  const values: (Value | null)[] = new Array<Value | null>(m).fill(null);

  const fast = fields.map((field, j) => {
    if (!text || !checkable[j]) return undefined;
    const constraints = field.descriptor.constraints as Record<string, unknown> | undefined;
    return createByteCaster(castOptions(field), onlyEmptyMissing[j]!, Array.isArray(constraints?.enum) ? constraints.enum : undefined);
  });
  // What the byte casts settle already: an enum hit needs no enum test; a plain range is two comparisons.
  const afterFast = constraints.map((list, j) => (fast[j]?.kind === 'enum' ? list.filter((c) => c.name !== 'enum') : list));
  const ranges = constraints.map(rangeOf);
  const keyFields = new Set([...uniqueIdx, ...pkIdx, ...ukIdx.flat()]);
  const patterns = fields.map((field, j) => (text && checkable[j] && !keyFields.has(j) && !needStats[j] ? bytePattern(field, onlyEmptyMissing[j]!, constraints[j]!) : undefined));
  const rowErrors: DataError[] = [];
  const hot = hotState({ sink, fields, m, casts, missing, onlyEmptyMissing, required, constraints, afterFast, ranges, patterns, typeNotes, requiredNote, mostly, mostlyState, nulls, needStats, stats, needValues, values, uniqueIdx, uniqueTrackers, pkTracker, pkIdx, ukIdx, ukTrackers, dupRows, rowErrors, fast, checkable, collect: undefined as CellResult | undefined });
  return { hot, fields, checkable, mostly, mostlyState, nulls, stats, uniqueIdx, ukIdx, deferred, duplicateRows: 0 };
}

/** Everything the row loop reads, passed in so the loop's variables are plain locals (fast in V8). */
type Hot = ReturnType<typeof hotState>;

function hotState(h: {
  sink: ErrorSink;
  fields: FieldSpec[];
  m: number;
  casts: ((cell: Exclude<Cell, null>) => Value | typeof INVALID)[];
  missing: Set<string>[];
  onlyEmptyMissing: boolean[];
  required: boolean[];
  constraints: Constraint[][];
  afterFast: Constraint[][];
  ranges: (NumericRange | undefined)[];
  patterns: (BytePattern | undefined)[];
  typeNotes: string[];
  requiredNote: string;
  mostly: (number | undefined)[];
  mostlyState: MostlyState[];
  nulls: Float64Array;
  needStats: boolean[];
  stats: (RunningStats | undefined)[];
  needValues: boolean;
  values: (Value | null)[];
  uniqueIdx: number[];
  uniqueTrackers: KeyTracker[];
  pkTracker: KeyTracker | undefined;
  pkIdx: number[];
  ukIdx: number[][];
  ukTrackers: KeyTracker[];
  dupRows: KeyTracker | undefined;
  rowErrors: DataError[];
  fast: (ByteCaster | undefined)[];
  checkable: boolean[];
  collect: CellResult | undefined;
}) {
  return h;
}

/**
 * Checks one batch of rows; returns how many rows repeated an earlier row (in-memory phase).
 * `only`: check just the rows marked 1 (the others were screened clean).
 */
function processBatch(hot: Hot, batch: RowBatch, only?: Uint8Array): number {
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
        else isNull = missing[j]!.has(String(source));
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

/** One chunk's cell checks (a worker's answer): errors in row order, blank rows, nulls and `mostly` tallies. */
function useParsed(batch: RowBatch, chunk: CsvChunk): void {
  batch.chunk = chunk;
  batch.lines = chunk.lines;
}

/** The cell checks of CSV chunks for this header and schema: what a worker thread runs. */
export function createCellChecker(header: string[], headerLine: number | undefined, schema: TableSchema): (chunk: CsvChunk, firstRowNumber: number) => CellResult {
  const sink = new ErrorSink(1);
  const expected = matchHeader({ header, headerLine } as Table, schema, sink);
  const { hot } = buildHot(expected, schema, true, {}, sink, 'cells');
  const kernels = planKernels(hot);
  let dirty = new Uint8Array(0);
  return (given, firstRowNumber) => {
    const chunk = given.deferred ? parseDeferred(given) : given;
    hot.nulls.fill(0);
    for (const state of hot.mostlyState) {
      state.nonNull = 0;
      state.failed = 0;
      state.errors = [];
      state.counts = {};
    }
    const result: CellResult = { errors: [], blank: new Uint8Array(chunk.rowCount), nulls: hot.nulls, mostly: hot.mostlyState, chunk };
    hot.collect = result;
    let clean = 0;
    if (kernels) {
      if (dirty.length < chunk.rowCount) dirty = new Uint8Array(chunk.rowCount * 2);
      clean = screenChunk(kernels, chunk, dirty);
    }
    try {
      processBatch(hot, { firstRowNumber, rowCount: chunk.rowCount, chunk, lines: chunk.lines }, kernels ? dirty : undefined);
    } finally {
      hot.collect = undefined;
    }
    // Clean rows have every cell present and passing.
    hot.mostly.forEach((threshold, j) => {
      if (threshold !== undefined) hot.mostlyState[j]!.nonNull += clean;
    });
    result.nulls = hot.nulls.slice();
    result.mostly = hot.mostlyState.map((state) => ({ ...state }));
    return result;
  };
}

/** Adds a chunk's null counts and `mostly` tallies, as if its rows had been checked here. */
function mergeCells(setup: { nulls: Float64Array; mostlyState: MostlyState[] }, cells: CellResult): void {
  for (let j = 0; j < setup.nulls.length; j++) setup.nulls[j] = setup.nulls[j]! + cells.nulls[j]!;
  cells.mostly.forEach((part, j) => {
    const state = setup.mostlyState[j]!;
    state.nonNull += part.nonNull;
    state.failed += part.failed;
    for (const [code, count] of Object.entries(part.counts)) state.counts[code] = (state.counts[code] ?? 0) + count;
    for (const error of part.errors) if (state.errors.length < 1000) state.errors.push(error);
  });
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
function keysBatch(hot: Hot, batch: RowBatch, blankRows: Uint8Array, valueFields: number[], out: { error: DataError; phase: number }[]): number {
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
function checkRowKeys(hot: Hot, rowNumber: number, line: number | undefined, where: RowAt, emit: (error: DataError, phase: number) => void): void {
  const source = (j: number) => sourceAt(j, where.k, where.cells, where.chunk, where.base);
  const { fields, values, uniqueIdx, uniqueTrackers, pkTracker, pkIdx, ukIdx, ukTrackers } = hot;
  for (let u = 0; u < uniqueIdx.length; u++) {
    const j = uniqueIdx[u]!;
    const value = values[j];
    if (value === null || value === undefined) continue;
    const previous = uniqueTrackers[u]!.add(keyOf(value), rowNumber);
    if (previous) emit(withLine(uniqueError(rowNumber, fields[j]!, j + 1, source(j), previous), line), PHASE_UNIQUE);
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
}

function deferMostly(state: MostlyState, error: DataError, typeError: boolean): void {
  if (typeError) {
    state.nonNull++;
    state.failed++;
  }
  state.counts[error.code] = (state.counts[error.code] ?? 0) + 1;
  if (state.errors.length < 1000) state.errors.push(error);
}

/** Where a row's cells are, for decoding one when an error needs it. */
interface RowAt {
  k: number;
  cells: Cell[] | undefined;
  chunk: CsvChunk | undefined;
  base: number;
}

/** The cell as written (decoded on demand for CSV). */
function sourceAt(j: number, k: number, cells: Cell[] | undefined, chunk: CsvChunk | undefined, base: number): Cell | undefined {
  if (j >= k) return undefined;
  return cells ? cells[j] : decodeField(chunk!, base + j);
}

const NO_CONSTRAINTS: Constraint[] = [];

function castOptions(field: FieldSpec): CastOptions {
  const d = field.descriptor;
  return {
    type: field.type,
    format: field.format,
    ...(typeof d.decimalChar === 'string' ? { decimalChar: d.decimalChar } : {}),
    ...(typeof d.groupChar === 'string' ? { groupChar: d.groupChar } : {}),
    ...(typeof d.bareNumber === 'boolean' ? { bareNumber: d.bareNumber } : {}),
    ...(Array.isArray(d.trueValues) ? { trueValues: d.trueValues as string[] } : {}),
    ...(Array.isArray(d.falseValues) ? { falseValues: d.falseValues as string[] } : {}),
  };
}

function withLine(error: DataError, line: number | undefined): DataError {
  if (line !== undefined) error.line = line;
  return error;
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

function cellError(code: 'type-error' | 'constraint-error', rowNumber: number, field: FieldSpec, fieldNumber: number, source: Cell | undefined, note: string): DataError {
  const cell = cut(cellText(source));
  const message =
    code === 'type-error'
      ? `Type error in the cell "${cell}" in row "${rowNumber}" and field "${field.name}" at position "${fieldNumber}": ${note}`
      : `The cell "${cell}" in row at position "${rowNumber}" and field "${field.name}" at position "${fieldNumber}" does not conform to a constraint: ${note}`;
  return { code, message, rowNumber, fieldName: field.name, fieldNumber, cell, note };
}

function uniqueError(rowNumber: number, field: FieldSpec, fieldNumber: number, source: Cell | undefined, previous: number): DataError {
  const note = `the same as in the row at position ${previous}`;
  return {
    code: 'unique-error',
    message: `Row at position "${rowNumber}" has unique constraint violation in field "${field.name}" at position "${fieldNumber}": ${note}`,
    rowNumber,
    fieldName: field.name,
    fieldNumber,
    ...(source === undefined ? {} : { cell: cut(cellText(source)) }),
    note,
  };
}

function primaryKeyError(rowNumber: number, previous: number): DataError {
  const note = `the same as in the row at position ${previous}`;
  return { code: 'primary-key', message: `Row at position "${rowNumber}" violates the primary key: ${note}`, rowNumber, note };
}

function uniqueKeyError(rowNumber: number, names: string[], previous: number): DataError {
  const note = `unique key (${names.join(', ')}) is the same as in the row at position ${previous}`;
  return { code: 'unique-error', message: `Row at position "${rowNumber}" violates a unique key: ${note}`, rowNumber, fieldName: names.join(', '), note };
}

/** Pairs labels with fields per `fieldsMatch` and reports label errors (frictionless-py's header rules). */
function matchHeader(table: Table, schema: TableSchema, sink: ErrorSink): Expected[] {
  const labels = table.header;
  const fields = schema.fields;
  const line = table.headerLine;
  const add = (error: DataError) => sink.add(line !== undefined ? { ...error, line } : error);
  const fabricate = (label: string, position: number): Expected => ({
    field: { name: label, type: 'any', format: 'default', position, cast: createCaster({ type: 'any', format: 'default' }), missingValues: new Set(['']), required: false, unique: false, constraints: [], checks: {}, descriptor: { name: label } },
    fabricated: true,
  });
  const pkNames = new Set(schema.primaryKey);
  if (schema.fieldsMatch === 'exact') {
    const expected = labels.map((label, i) => (i < fields.length ? { field: fields[i]!, fabricated: false } : fabricate(label, i + 1)));
    labels.forEach((label, i) => {
      if (i >= fields.length) add({ code: 'extra-label', message: `There is an extra label "${label}" in header at position "${i + 1}"`, fieldName: '', fieldNumber: i + 1, cell: label });
    });
    fields.slice(labels.length).forEach((field, offset) => {
      add({ code: 'missing-label', message: `There is a missing label in the header's field "${field.name}" at position "${labels.length + offset + 1}"`, fieldName: field.name, fieldNumber: labels.length + offset + 1 });
    });
    fields.slice(0, labels.length).forEach((field, i) => {
      const label = labels[i]!;
      if (!label) add({ code: 'blank-label', message: `Label in the header in field at position "${i + 1}" is blank`, fieldName: field.name, fieldNumber: i + 1 });
      else if (label !== field.name) add({ code: 'incorrect-label', message: `Label "${label}" in field ${field.name} at position "${i + 1}" does not match the field name in the schema`, fieldName: field.name, fieldNumber: i + 1, cell: label });
    });
    return expected;
  }
  const byName = new Map(fields.map((field) => [field.name, field]));
  const expected = labels.map((label, i) => {
    const field = byName.get(label);
    return field ? { field, fabricated: false } : fabricate(label, i + 1);
  });
  if (schema.fieldsMatch !== 'subset' && schema.fieldsMatch !== 'partial') {
    labels.forEach((label, i) => {
      if (!byName.has(label)) add({ code: 'extra-label', message: `There is an extra label "${label}" in header at position "${i + 1}"`, fieldName: '', fieldNumber: i + 1, cell: label });
    });
  }
  if (schema.fieldsMatch === 'partial' && fields.length > 0 && !labels.some((label) => byName.has(label))) {
    add({ code: 'unmatched-header', message: 'None of the labels in the header match a field in the schema' });
  }
  const present = new Set(labels);
  let missing = fields.filter((field) => !present.has(field.name));
  if (schema.fieldsMatch === 'superset' || schema.fieldsMatch === 'partial') missing = missing.filter((field) => field.required || pkNames.has(field.name));
  missing.forEach((field, offset) => {
    add({ code: 'missing-label', message: `There is a missing label in the header's field "${field.name}" at position "${labels.length + offset + 1}"`, fieldName: field.name, fieldNumber: labels.length + offset + 1 });
  });
  return expected;
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

function describeRange(range: { min?: number; max?: number }): string {
  if (range.min !== undefined && range.max !== undefined) return `${range.min}..${range.max}`;
  return range.min !== undefined ? `>= ${range.min}` : `<= ${range.max}`;
}

function inRange(value: number, range: { min?: number; max?: number }): boolean {
  if (Number.isNaN(value)) return false;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

function datasetChecks(
  schema: TableSchema,
  rowCount: number,
  duplicateRows: number,
  fields: FieldSpec[],
  checkable: boolean[],
  nulls: Float64Array,
  stats: (RunningStats | undefined)[],
  checks: CheckResult[],
): void {
  const { rowCount: range, maxDuplicateRows } = schema.checks;
  if (range) {
    const passed = inRange(rowCount, range);
    checks.push({ name: 'row-count', status: passed ? 'passed' : 'failed', observed: rowCount, expected: describeRange(range), message: `${rowCount} rows (expected ${describeRange(range)})` });
  }
  if (maxDuplicateRows !== undefined) {
    const passed = duplicateRows <= maxDuplicateRows;
    checks.push({ name: 'duplicate-rows', status: passed ? 'passed' : 'failed', observed: duplicateRows, expected: `<= ${maxDuplicateRows}`, count: duplicateRows, message: `${duplicateRows} rows repeat an earlier row (at most ${maxDuplicateRows} allowed)` });
  }
  fields.forEach((field, j) => {
    if (!checkable[j]) return;
    const c = field.checks;
    if (c.maxNullFraction !== undefined) {
      const fraction = rowCount === 0 ? 0 : nulls[j]! / rowCount;
      const passed = fraction <= c.maxNullFraction;
      checks.push({ name: 'null-fraction', field: field.name, status: passed ? 'passed' : 'failed', observed: round(fraction), expected: `<= ${c.maxNullFraction}`, count: nulls[j]!, message: `${nulls[j]} of ${rowCount} values in '${field.name}' are missing (${round(fraction)}, at most ${c.maxNullFraction})` });
    }
    const s = stats[j];
    if (!s) return;
    const measure = (name: string, value: number, rule: { min?: number; max?: number }, label: string) => {
      const passed = s.count > 0 && inRange(value, rule);
      checks.push({ name, field: field.name, status: passed ? 'passed' : 'failed', observed: s.count > 0 && Number.isFinite(value) ? round(value) : null, expected: describeRange(rule), message: `${label} of '${field.name}' is ${s.count > 0 ? round(value) : 'undefined (no values)'} (expected ${describeRange(rule)})` });
    };
    if (c.mean) measure('mean', s.mean, c.mean, 'mean');
    if (c.stddev) measure('stddev', s.stddev, c.stddev, 'standard deviation');
    if (c.min) measure('min', s.min, c.min, 'minimum');
    if (c.max) measure('max', s.max, c.max, 'maximum');
    for (const q of c.quantiles ?? []) measure('quantile', s.quantile(q.q), q, `quantile ${q.q}`);
  });
}
