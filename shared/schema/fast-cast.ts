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

/** Plain integers (sign, up to 15 digits). Top-level functions so the row loop can call them directly. */
export function integerBytes(buf: Uint8Array, start: number, end: number): number | typeof SLOW {
  let i = start;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
  } else if (buf[i] === 43) i++;
  const digits = end - i;
  if (digits === 0 || digits > 15) return SLOW;
  let value = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return SLOW;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

/** Plain decimals without exponent, up to 15 significant digits. Reads its sign itself, as integerBytes does: both run once per cell. */
export function numberBytes(buf: Uint8Array, start: number, end: number): number | typeof SLOW {
  let i = start;
  let negative = false;
  if (buf[i] === 45) {
    negative = true;
    i++;
  } else if (buf[i] === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 46) {
      if (fraction !== -1) return SLOW;
      fraction = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return SLOW;
    mantissa = mantissa * 10 + d;
    digits++;
    if (fraction !== -1) fraction++;
  }
  if (digits === 0 || digits > 15) return SLOW;
  // Both operands are exact doubles, so the quotient is correctly rounded (= Number(text)).
  const value = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
  return negative ? -value : value;
}

/** YYYY-MM-DD; an impossible day is a type error, anything else goes the slow way. */
export function dateBytes(buf: Uint8Array, start: number, end: number): number | typeof INVALID | typeof SLOW {
  if (end - start !== 10 || buf[start + 4] !== 45 || buf[start + 7] !== 45) return SLOW;
  let year = 0;
  for (let i = start; i < start + 4; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return SLOW;
    year = year * 10 + d;
  }
  const m1 = buf[start + 5]! - 48;
  const m2 = buf[start + 6]! - 48;
  const d1 = buf[start + 8]! - 48;
  const d2 = buf[start + 9]! - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return SLOW;
  const month = m1 * 10 + m2;
  const day = d1 * 10 + d2;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return INVALID;
  return utcMs(year, month, day);
}
