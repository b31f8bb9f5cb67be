import type { Cell } from '../data/index.js';
import { KeyTracker } from './keys.js';
import { RunningStats } from './stats.js';
import { createByteCaster, type ByteCaster } from './fast-cast.js';
import { bytePattern, rangeOf, type BytePattern, type NumericRange } from './cell-rules.js';
import type { CastOptions, INVALID, Value } from './casters.js';
import type { Constraint, FieldSpec, TableSchema } from './load.js';
import type { CellResult, DataError, MostlyState } from './cell-result.js';
import type { ErrorSink } from './error-sink.js';
import type { Expected } from './header-check.js';
import { foreignKeyStates, type ForeignKeyCheck, type ForeignKeyState } from './foreign-keys.js';

/**
 * The row loop's state for the fields matched to the header. `cells` mode (worker threads) checks
 * cells only: no keys, duplicate rows or statistics, which need every row in order.
 */
export function buildHot(expected: Expected[], schema: TableSchema, text: boolean, options: { keyBudget?: number; foreignKeys?: readonly ForeignKeyCheck[] }, sink: ErrorSink, mode: 'all' | 'cells') {
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
  const foreign = mode === 'cells' ? [] : foreignKeyStates(options.foreignKeys ?? [], fields, checkable);
  const needValues = uniqueIdx.length > 0 || pkIdx.length > 0 || ukIdx.length > 0 || foreign.length > 0;
  const values: (Value | null)[] = new Array<Value | null>(m).fill(null);

  const fast = fields.map((field, j) => {
    if (!text || !checkable[j]) return undefined;
    const constraints = field.descriptor.constraints as Record<string, unknown> | undefined;
    return createByteCaster(castOptions(field), onlyEmptyMissing[j]!, Array.isArray(constraints?.enum) ? constraints.enum : undefined);
  });
  // What the byte casts settle already: an enum hit needs no enum test; a plain range is two comparisons.
  const afterFast = constraints.map((list, j) => (fast[j]?.kind === 'enum' ? list.filter((c) => c.name !== 'enum') : list));
  const ranges = constraints.map(rangeOf);
  const keyFields = new Set([...uniqueIdx, ...pkIdx, ...ukIdx.flat(), ...foreign.flatMap((state) => state.columns)]);
  const patterns = fields.map((field, j) => (text && checkable[j] && !keyFields.has(j) && !needStats[j] ? bytePattern(field, onlyEmptyMissing[j]!, constraints[j]!) : undefined));
  const rowErrors: DataError[] = [];
  const hot = hotState({ sink, fields, m, casts, missing, onlyEmptyMissing, required, constraints, afterFast, ranges, patterns, typeNotes, requiredNote, mostly, mostlyState, nulls, needStats, stats, needValues, values, uniqueIdx, uniqueTrackers, pkTracker, pkIdx, ukIdx, ukTrackers, foreign, dupRows, rowErrors, fast, checkable, collect: undefined as CellResult | undefined });
  return { hot, fields, checkable, mostly, mostlyState, nulls, stats, uniqueIdx, ukIdx, deferred, duplicateRows: 0 };
}

/** Everything the row loop reads, passed in so the loop's variables are plain locals (fast in V8). */
export type Hot = ReturnType<typeof hotState>;

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
  foreign: ForeignKeyState[];
  dupRows: KeyTracker | undefined;
  rowErrors: DataError[];
  fast: (ByteCaster | undefined)[];
  checkable: boolean[];
  collect: CellResult | undefined;
}) {
  return h;
}

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
