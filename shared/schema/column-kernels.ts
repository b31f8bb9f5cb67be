import type { CsvChunk } from '../data/csv-chunk.js';
import { dfaMatch, type ByteDfa } from './byte-regex.js';
import { rangeOf, type BytePattern } from './cell-rules.js';
import { dateBytes, integerBytes, lookupBytes, numberBytes, type ByteCaster, type ByteTable } from './fast-cast.js';
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
      case 'number':
      case 'date':
        screenNumbers(kernel.kind, kernel, chunk, j, dirty);
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

function screenNumbers(kind: 'integer' | 'number' | 'date', rules: { min: number; max: number; above: number; below: number; allowed: Set<unknown> | undefined }, chunk: CsvChunk, j: number, dirty: Uint8Array): void {
  const { buf, rowCount, rowOffsets, starts, ends, escaped } = chunk;
  const { min, max, above, below, allowed } = rules;
  for (let r = 0; r < rowCount; r++) {
    if (dirty[r] !== 0) continue;
    const f = rowOffsets[r]! + j;
    const start = starts[f]!;
    const end = ends[f]!;
    if (escaped[f] !== 0 || start === end) {
      dirty[r] = 1;
      continue;
    }
    const value = kind === 'integer' ? integerBytes(buf, start, end) : kind === 'number' ? numberBytes(buf, start, end) : dateBytes(buf, start, end);
    if (typeof value !== 'number' || !(value >= min && value <= max && value > above && value < below) || (allowed !== undefined && !allowed.has(value))) dirty[r] = 1;
  }
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
