import type { CsvChunk } from '../data/csv-chunk.js';
import { dfaMatch, type ByteDfa } from './byte-regex.js';
import { rangeOf, type BytePattern } from './cell-rules.js';
import { dateValue, integerValue, isPlainNumber, lookupBytes, numberValue, type ByteCaster, type ByteTable } from './fast-cast.js';
import type { Constraint, FieldSpec } from './load.js';

/**
 * Column-at-a-time screening of a CSV chunk's cells: one tight loop per field that only asks
 * "is this cell certainly fine?" (present, not quoted, of its type, inside its constraints).
 * A row with any other cell is marked dirty and goes through the full row-by-row checks, which
 * produce every error exactly as before; a clean row needs nothing more.
 */
export type Kernel =
  | { kind: 'integer' | 'number' | 'date'; min: number; max: number; above: number; below: number; allowed: Set<unknown> | undefined }
  | { kind: 'table'; table: ByteTable }
  | { kind: 'pattern'; dfa: ByteDfa; minLength: number; maxLength: number }
  /** Any present, unquoted cell passes (plain strings, columns the schema does not know). */
  | { kind: 'present' };

/** Marks dirty[r] = 1 for rows that need the full checks; returns how many rows are clean. */
export function screenChunk(kernels: Kernel[], chunk: CsvChunk, dirty: Uint8Array): number {
  const { rowCount, rowOffsets } = chunk;
  const m = kernels.length;
  for (let r = 0; r < rowCount; r++) dirty[r] = rowOffsets[r + 1]! - rowOffsets[r]! === m ? 0 : 1;
  for (let j = 0; j < m; j++) {
    const kernel = kernels[j]!;
    switch (kernel.kind) {
      case 'integer':
        screenIntegers(kernel, chunk, j, dirty);
        break;
      case 'number':
        if (unbounded(kernel)) screenPlainNumbers(chunk, j, dirty);
        else screenNumbers(kernel, chunk, j, dirty);
        break;
      case 'date':
        screenDates(kernel, chunk, j, dirty);
        break;
      case 'table':
        screenTable(kernel.table, chunk, j, dirty);
        break;
      case 'pattern':
        screenPattern(kernel, chunk, j, dirty);
        break;
      case 'present':
        screenPresent(chunk, j, dirty);
        break;
    }
  }
  let clean = 0;
  for (let r = 0; r < rowCount; r++) if (dirty[r] === 0) clean++;
  return clean;
}

interface Bounds {
  min: number;
  max: number;
  above: number;
  below: number;
  allowed: Set<unknown> | undefined;
}

// One loop per type, each calling its scanner directly so V8 inlines it (one loop choosing among
// three scanners per cell inlined none of them well: about a third slower on the bench's columns).

function screenIntegers(bounds: Bounds, chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { buf, rowCount, rowOffsets, starts, ends, escaped } = chunk;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    const start = starts[f]!;
    const end = ends[f]!;
    if (escaped[f] !== 0 || start === end || !within(bounds, integerValue(buf, start, end))) dirty[r] = 1;
  }
}

function screenNumbers(bounds: Bounds, chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { buf, rowCount, rowOffsets, starts, ends, escaped } = chunk;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    const start = starts[f]!;
    const end = ends[f]!;
    if (escaped[f] !== 0 || start === end || !within(bounds, numberValue(buf, start, end))) dirty[r] = 1;
  }
}

function screenPlainNumbers(chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { buf, rowCount, rowOffsets, starts, ends, escaped } = chunk;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    const start = starts[f]!;
    const end = ends[f]!;
    if (escaped[f] !== 0 || start === end || !isPlainNumber(buf, start, end)) dirty[r] = 1;
  }
}

function unbounded(bounds: Bounds): boolean {
  return bounds.min === -Infinity && bounds.max === Infinity && bounds.above === -Infinity && bounds.below === Infinity && bounds.allowed === undefined;
}

function screenDates(bounds: Bounds, chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { buf, rowCount, rowOffsets, starts, ends, escaped } = chunk;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    const start = starts[f]!;
    const end = ends[f]!;
    if (escaped[f] !== 0 || start === end || !within(bounds, dateValue(buf, start, end))) dirty[r] = 1;
  }
}

/** False for NaN (a cell the scanner could not settle) as for a value out of bounds. */
function within(bounds: Bounds, value: number): boolean {
  return value >= bounds.min && value <= bounds.max && value > bounds.above && value < bounds.below && (bounds.allowed === undefined || bounds.allowed.has(value));
}

function screenTable(table: ByteTable, chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { buf, rowCount, rowOffsets, starts, ends, escaped } = chunk;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    const start = starts[f]!;
    const end = ends[f]!;
    if (escaped[f] !== 0 || start === end || lookupBytes(table, buf, start, end) < 0) dirty[r] = 1;
  }
}

function screenPattern(pattern: { dfa: ByteDfa; minLength: number; maxLength: number }, chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { buf, rowCount, rowOffsets, starts, ends, escaped } = chunk;
  const { dfa, minLength, maxLength } = pattern;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    const start = starts[f]!;
    const end = ends[f]!;
    const length = end - start;
    if (escaped[f] !== 0 || length === 0 || length < minLength || length > maxLength || dfaMatch(dfa, buf, start, end) !== 1) dirty[r] = 1;
  }
}

function screenPresent(chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { rowCount, rowOffsets, starts, ends, escaped } = chunk;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    if (escaped[f] !== 0 || starts[f] === ends[f]) dirty[r] = 1;
  }
}

/** What the row loop knows per field that decides its kernel. */
export interface KernelInputs {
  m: number;
  fields: FieldSpec[];
  onlyEmptyMissing: boolean[];
  checkable: boolean[];
  constraints: Constraint[][];
  afterFast: Constraint[][];
  patterns: (BytePattern | undefined)[];
  fast: (ByteCaster | undefined)[];
}

/**
 * The screening kernel per field for CSV cells (see column-kernels.ts), or undefined when some
 * field has none: then every row takes the full checks.
 */
export function planKernels(hot: KernelInputs): Kernel[] | undefined {
  const kernels: Kernel[] = [];
  for (let j = 0; j < hot.m; j++) {
    const kernel = kernelFor(hot, j);
    if (!kernel) return undefined;
    kernels.push(kernel);
  }
  return kernels;
}

function kernelFor(hot: KernelInputs, j: number): Kernel | undefined {
  if (!hot.onlyEmptyMissing[j]) return undefined;
  if (!hot.checkable[j]) return { kind: 'present' };
  const pattern = hot.patterns[j];
  if (pattern) return { kind: 'pattern', ...pattern };
  const fast = hot.fast[j];
  const field = hot.fields[j]!;
  const unconstrained = hot.constraints[j]!.length === 0;
  if (!fast) return field.type === 'string' && field.format === 'default' && unconstrained ? { kind: 'present' } : undefined;
  switch (fast.kind) {
    case 'integer':
    case 'number':
    case 'date': {
      const list = hot.constraints[j]!;
      const bounds = list.filter((c) => c.name !== 'enum');
      const allowed = list.find((c) => c.name === 'enum')?.allowed;
      const range = bounds.length === 0 ? { min: -Infinity, max: Infinity, above: -Infinity, below: Infinity } : rangeOf(bounds);
      return range ? { kind: fast.kind, ...range, allowed } : undefined;
    }
    case 'enum':
      return hot.afterFast[j]!.length === 0 ? { kind: 'table', table: fast.table } : undefined;
    case 'boolean':
      return unconstrained ? { kind: 'table', table: fast.table } : undefined;
  }
}
