import { describe, expect, it } from 'vitest';
import { byteTable, castBytes, createByteCaster, lookupBytes, SLOW } from '../../shared/schema/fast-cast.js';
import { createCaster, type CastOptions } from '../../shared/schema/casters.js';

// A byte cast may answer SLOW (then the string caster decides); any other answer must be the
// string caster's own.
function agree(options: CastOptions, cells: string[], enumValues?: string[]): number {
  const bytes = createByteCaster(options, true, enumValues)!;
  expect(bytes).toBeDefined();
  const strings = createCaster(options);
  let answered = 0;
  for (const cell of cells) {
    const buf = Buffer.from(`,${cell},`, 'utf8');
    const fast = castBytes(bytes, buf, 1, buf.length - 1);
    if (fast === SLOW) continue;
    answered++;
    expect([cell, fast]).toEqual([cell, strings(cell)]);
  }
  return answered;
}

describe('byte casts', () => {
  it('integers and numbers', () => {
    const cells = ['0', '-7', '+12', '123456789012345', '1234567890123456', '1.5', '-0.25', '.5', '5.', '1e3', 'abc', '--1', '1.2.3', '00012', '3.14159265358979'];
    expect(agree({ type: 'integer', format: 'default' }, cells)).toBeGreaterThan(4);
    expect(agree({ type: 'number', format: 'default' }, cells)).toBeGreaterThan(8);
  });

  it('dates', () => {
    const cells = ['2024-02-29', '2023-02-29', '2024-13-01', '2024-00-10', '1999-12-31', '2024-1-5', 'x024-01-01'];
    expect(agree({ type: 'date', format: 'default' }, cells)).toBeGreaterThan(3);
  });

  it('booleans, including a value listed as both true and false (the later list wins, as the string caster does)', () => {
    const cells = ['true', 'false', 'yes', 'no', 'maybe', 'TRUE', '1', '0', ''];
    expect(agree({ type: 'boolean', format: 'default' }, cells)).toBe(cells.length);
    expect(agree({ type: 'boolean', format: 'default', trueValues: ['yes', 'maybe'], falseValues: ['no', 'maybe'] }, cells)).toBe(cells.length);
  });

  it('enum strings answer with the allowed value and leave the rest to the string caster', () => {
    const values = ['c0', 'c1', 'k49', 'élan', 'c0'];
    expect(agree({ type: 'string', format: 'default' }, ['c0', 'c1', 'élan', 'k49', 'k50', 'c', 'c00'], values)).toBe(4);
  });

  it('a byte table finds every value of a large set and nothing else', () => {
    const values = Array.from({ length: 500 }, (_, i) => `v${i}`);
    const table = byteTable(values);
    values.forEach((value, i) => expect(lookupBytes(table, Buffer.from(value), 0, value.length)).toBe(i));
    for (const other of ['v500', 'v', '', 'v01', 'w1']) expect(lookupBytes(table, Buffer.from(other), 0, other.length)).toBe(-1);
  });
});
