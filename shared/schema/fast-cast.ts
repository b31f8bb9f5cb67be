import { daysInMonth, utcMs } from './strptime.js';
import { INVALID, type CastOptions, type Value } from './casters.js';

/**
 * Byte-level casts for the common CSV shapes, so the hot path makes no string per cell.
 * A fast cast answers only when it is sure; SLOW sends the cell to the string caster in
 * types.ts (the reference behaviour), so results never differ from it.
 */
export const SLOW = Symbol('slow');

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Exact byte strings to their index: open addressing on FNV-1a over typed arrays, so a lookup
 * makes no string and stays monomorphic in the row loop.
 */
export interface ByteTable {
  /** Slot to value index + 1 (0: empty). */
  slots: Int32Array;
  mask: number;
  /** The values' UTF-8 bytes, back to back; value i is [offsets[i], offsets[i + 1]). */
  pool: Uint8Array;
  offsets: Int32Array;
}

function fnv(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
  return hash >>> 0;
}

export function byteTable(values: string[]): ByteTable {
  const encoded = values.map((value) => Buffer.from(value, 'utf8'));
  const offsets = new Int32Array(values.length + 1);
  encoded.forEach((bytes, i) => (offsets[i + 1] = offsets[i]! + bytes.length));
  const pool = new Uint8Array(offsets[values.length]!);
  encoded.forEach((bytes, i) => pool.set(bytes, offsets[i]!));
  let size = 8;
  while (size < values.length * 4) size *= 2;
  const table: ByteTable = { slots: new Int32Array(size), mask: size - 1, pool, offsets };
  encoded.forEach((bytes, i) => {
    // A repeated value takes the later index, as a Map filled in order would.
    const earlier = lookupBytes(table, bytes, 0, bytes.length);
    let slot = fnv(bytes, 0, bytes.length) & table.mask;
    while (table.slots[slot] !== 0 && table.slots[slot] !== earlier + 1) slot = (slot + 1) & table.mask;
    table.slots[slot] = i + 1;
  });
  return table;
}

/** The index of the value whose bytes equal buf[start, end), or -1. */
export function lookupBytes(table: ByteTable, buf: Uint8Array, start: number, end: number): number {
  const { slots, mask, pool, offsets } = table;
  const length = end - start;
  for (let slot = fnv(buf, start, end) & mask; ; slot = (slot + 1) & mask) {
    const entry = slots[slot]!;
    if (entry === 0) return -1;
    const from = offsets[entry - 1]!;
    if (offsets[entry]! - from !== length) continue;
    let i = 0;
    while (i < length && pool[from + i] === buf[start + i]) i++;
    if (i === length) return entry - 1;
  }
}

/**
 * How the row loop casts a field's bytes. `enum`: a string field whose cell equals an allowed
 * value is that value (no new string; the enum constraint is then known to pass); anything else
 * goes the slow way. `boolean`: the true values come first in the table.
 */
export type ByteCaster =
  | { kind: 'integer' | 'number' | 'date' }
  | { kind: 'enum'; table: ByteTable; values: string[] }
  | { kind: 'boolean'; table: ByteTable; trueCount: number };

export function createByteCaster(options: CastOptions, missingIsOnlyEmpty: boolean, enumValues?: unknown[]): ByteCaster | undefined {
  if (!missingIsOnlyEmpty) return undefined;
  switch (options.type) {
    case 'string': {
      if (options.format !== 'default' || !enumValues || !enumValues.every((value) => typeof value === 'string')) return undefined;
      const values = enumValues as string[];
      return { kind: 'enum', table: byteTable(values), values };
    }
    case 'integer':
      return options.bareNumber === false ? undefined : { kind: 'integer' };
    case 'number':
      if (options.decimalChar !== undefined || options.groupChar !== undefined || options.bareNumber !== undefined) return undefined;
      return { kind: 'number' };
    case 'boolean': {
      const trues = options.trueValues ?? ['true', 'True', 'TRUE', '1'];
      const falses = options.falseValues ?? ['false', 'False', 'FALSE', '0'];
      return { kind: 'boolean', table: byteTable([...trues, ...falses]), trueCount: trues.length };
    }
    case 'date':
      return options.format === 'default' ? { kind: 'date' } : undefined;
    default:
      return undefined;
  }
}

/** Casts a cell's bytes; SLOW when only the string caster can tell. */
export function castBytes(caster: ByteCaster, buf: Uint8Array, start: number, end: number): Value | typeof INVALID | typeof SLOW {
  switch (caster.kind) {
    case 'integer':
      return integerBytes(buf, start, end);
    case 'number':
      return numberBytes(buf, start, end);
    case 'date':
      return dateBytes(buf, start, end);
    case 'enum': {
      const index = lookupBytes(caster.table, buf, start, end);
      return index === -1 ? SLOW : caster.values[index]!;
    }
    case 'boolean': {
      const index = lookupBytes(caster.table, buf, start, end);
      return index === -1 ? INVALID : index < caster.trueCount;
    }
  }
}

/** integerValue's answer, SLOW where it gives NaN. Top-level functions so the row loop can call them directly. */
export function integerBytes(buf: Uint8Array, start: number, end: number): number | typeof SLOW {
  const value = integerValue(buf, start, end);
  return value === value ? value : SLOW;
}

export function numberBytes(buf: Uint8Array, start: number, end: number): number | typeof SLOW {
  const value = numberValue(buf, start, end);
  return value === value ? value : SLOW;
}

/** YYYY-MM-DD; an impossible day is a type error, anything else goes the slow way. */
export function dateBytes(buf: Uint8Array, start: number, end: number): number | typeof INVALID | typeof SLOW {
  const value = dateValue(buf, start, end);
  if (value === value) return value;
  return isDateShape(buf, start, end) ? INVALID : SLOW;
}

// The scanners answer a plain double (NaN: not sure, or not valid): the column screens call them
// once per cell, and a number-or-symbol answer made V8 box every double it returned.

/** Plain integers (sign, up to 15 digits). */
export function integerValue(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
  } else if (buf[i] === 43) i++;
  const digits = end - i;
  if (digits === 0 || digits > 15) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

/** Plain decimals without exponent, up to 15 significant digits. Reads its sign itself, as integerValue does: both run once per cell. */
export function numberValue(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
  } else if (buf[i] === 43) i++;
  // The digits (a point may sit among them) gathered as two int32 halves, the first nine and the
  // rest: int32 multiply-adds are a shorter dependency chain per digit than float ones, which
  // bounded this loop (about a third faster on the bench's number columns).
  let high = 0;
  let low = 0;
  let digits = 0;
  let point = -1;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d >= 0 && d <= 9) {
      if (digits < 9) high = (high * 10 + d) | 0;
      else low = (low * 10 + d) | 0;
      digits++;
    } else if (d === -2 && point === -1) point = digits;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  // high * 10^(digits - 9) + low is below 2^53, so exact, and both quotient operands are exact
  // doubles: the quotient is correctly rounded (= Number(text)).
  const mantissa = digits > 9 ? high * POW10[digits - 9]! + low : high;
  const fraction = point === -1 ? 0 : digits - point;
  const value = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
  return negative ? -value : value;
}

/** YYYY-MM-DD as UTC milliseconds; NaN for another shape or an impossible day. */
export function dateValue(buf: Uint8Array, start: number, end: number): number {
  if (end - start !== 10 || buf[start + 4] !== 45 || buf[start + 7] !== 45) return NaN;
  // Straight-line digits (no loop): this runs once per cell of every date column.
  const y1 = buf[start]! - 48;
  const y2 = buf[start + 1]! - 48;
  const y3 = buf[start + 2]! - 48;
  const y4 = buf[start + 3]! - 48;
  const m1 = buf[start + 5]! - 48;
  const m2 = buf[start + 6]! - 48;
  const d1 = buf[start + 8]! - 48;
  const d2 = buf[start + 9]! - 48;
  if (y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9 || y4 >>> 0 > 9 || m1 >>> 0 > 9 || m2 >>> 0 > 9 || d1 >>> 0 > 9 || d2 >>> 0 > 9) return NaN;
  const year = y1 * 1000 + y2 * 100 + y3 * 10 + y4;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  return utcMs(year, month, day);
}

function isDateShape(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 10 || buf[start + 4] !== 45 || buf[start + 7] !== 45) return false;
  for (let i = start; i < end; i++) {
    if (i === start + 4 || i === start + 7) continue;
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/**
 * Whether numberValue gives a number here (not NaN), told without computing it: a number column
 * with no bounds and no enum only needs that, and the multiply-adds were most of its cost.
 */
export function isPlainNumber(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (buf[i] === 45 || buf[i] === 43) i++;
  let digits = 0;
  let points = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && points === 0) points = 1;
    else return false;
  }
  return digits > 0 && digits <= 15;
}
