import { daysInMonth, utcMs } from './strptime.js';
import { INVALID, type CastOptions, type Value } from './types.js';

/**
 * Byte-level casts for the common CSV shapes, so the hot path makes no string per cell.
 * A fast cast answers only when it is sure; SLOW sends the cell to the string caster in
 * types.ts (the reference behaviour), so results never differ from it.
 */
export const SLOW = Symbol('slow');
export type ByteCaster = (buf: Uint8Array, start: number, end: number) => Value | typeof INVALID | typeof SLOW;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * `enumValues`: for a string field with an enum, a cell whose bytes equal an allowed value is
 * answered with that value's own string (no new string); anything else goes the slow way.
 */
function fnv(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
  return hash >>> 0;
}

export function createByteCaster(options: CastOptions, missingIsOnlyEmpty: boolean, enumValues?: unknown[]): ByteCaster | undefined {
  if (!missingIsOnlyEmpty) return undefined;
  switch (options.type) {
    case 'string': {
      if (options.format !== 'default' || !enumValues || !enumValues.every((value) => typeof value === 'string')) return undefined;
      // FNV-1a of the bytes picks the candidates; the bytes are then compared exactly.
      const byHash = new Map<number, { bytes: Buffer; value: string }[]>();
      for (const value of enumValues as string[]) {
        const bytes = Buffer.from(value, 'utf8');
        const hash = fnv(bytes, 0, bytes.length);
        const list = byHash.get(hash) ?? [];
        list.push({ bytes, value });
        byHash.set(hash, list);
      }
      return (buf, start, end) => {
        const list = byHash.get(fnv(buf, start, end));
        if (list === undefined) return SLOW;
        const length = end - start;
        for (let c = 0; c < list.length; c++) {
          const bytes = list[c]!.bytes;
          if (bytes.length !== length) continue;
          let i = 0;
          while (i < length && bytes[i] === buf[start + i]) i++;
          if (i === length) return list[c]!.value;
        }
        return SLOW;
      };
    }
    case 'integer':
      if (options.bareNumber === false) return undefined;
      return integerBytes;
    case 'number':
      if (options.decimalChar !== undefined || options.groupChar !== undefined || options.bareNumber !== undefined) return undefined;
      return numberBytes;
    case 'boolean': {
      const encode = (values: string[]) => values.map((value) => Buffer.from(value, 'utf8'));
      const trues = encode(options.trueValues ?? ['true', 'True', 'TRUE', '1']);
      const falses = encode(options.falseValues ?? ['false', 'False', 'FALSE', '0']);
      const matches = (candidate: Buffer, buf: Uint8Array, start: number, end: number) => {
        if (candidate.length !== end - start) return false;
        for (let i = 0; i < candidate.length; i++) if (candidate[i] !== buf[start + i]) return false;
        return true;
      };
      return (buf, start, end) => {
        for (const candidate of trues) if (matches(candidate, buf, start, end)) return true;
        for (const candidate of falses) if (matches(candidate, buf, start, end)) return false;
        return INVALID;
      };
    }
    case 'date':
      if (options.format !== 'default') return undefined;
      return dateBytes;
    default:
      return undefined;
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

/** Plain decimals without exponent, up to 15 significant digits. */
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
