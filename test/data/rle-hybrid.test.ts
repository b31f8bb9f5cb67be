import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { describe, expect, it } from 'vitest';
import { MAX_FAST_WIDTH, readHybrid } from '../../shared/data/rle-hybrid.js';

// Parquet's RLE / bit-packed hybrid, written here run by run as the format describes it, read by
// readHybrid and by hyparquet's reader: the same values, and a cut page is refused.
function varint(value: number, out: number[]): void {
  while (value >= 128) {
    out.push((value % 128) | 128);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

function encode(values: number[], width: number, runs: ('rle' | 'packed')[]): Uint8Array {
  const out: number[] = [];
  let at = 0;
  let r = 0;
  while (at < values.length) {
    const kind = runs[r++ % runs.length]!;
    if (kind === 'rle') {
      let count = 1;
      while (at + count < values.length && values[at + count] === values[at] && count < 300) count++;
      varint(count * 2, out);
      for (let b = 0; b < (width + 7) >> 3; b++) out.push((values[at]! >>> (8 * b)) & 255);
      at += count;
      continue;
    }
    const groups = Math.min(Math.ceil((values.length - at) / 8), 20);
    varint(groups * 2 + 1, out);
    let acc = 0;
    let bits = 0;
    for (let v = 0; v < groups * 8; v++) {
      acc += (values[at + v] ?? 0) * 2 ** bits;
      bits += width;
      while (bits >= 8) {
        out.push(acc % 256);
        acc = Math.floor(acc / 256);
        bits -= 8;
      }
    }
    at += groups * 8;
  }
  return Uint8Array.from(out);
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

describe('readHybrid', () => {
  for (let width = 0; width <= MAX_FAST_WIDTH; width++) {
    it(`reads ${width}-bit values as hyparquet does, over repeats and packed runs`, () => {
      const next = random(width + 1);
      const n = 3001;
      const values = Array.from({ length: n }, (_, i) => (width === 0 ? 0 : i % 50 < 20 ? 5 % 2 ** width : Math.floor(next() * 2 ** width)));
      const bytes = encode(values, width, ['packed', 'rle', 'packed', 'packed', 'rle']);
      const ours = new Int32Array(n);
      // It counts the values equal to the one asked for (5 here is both repeated and packed).
      const counted = 5 % 2 ** width;
      expect(readHybrid(bytes, 0, bytes.length, width, ours, counted)).toBe(values.filter((value) => value === counted).length);
      expect([...ours]).toEqual(values);
      // hyparquet reads a byte of a 0-bit packed run that holds none (its callers fill zeros instead).
      if (width > 0) {
        const theirs = new Int32Array(n);
        readRleBitPackedHybrid({ view: new DataView(bytes.buffer), offset: 0 }, width, theirs, bytes.length);
        expect([...theirs]).toEqual(values);
      }
      if (width <= 8) {
        const levels = new Uint8Array(n);
        readHybrid(bytes, 0, bytes.length, width, levels);
        expect([...levels]).toEqual(values);
      }
    });
  }

  it('starts at an offset and stops once the output is full', () => {
    const bytes = encode([1, 2, 3, 4, 5, 6, 7, 0, 1, 2], 3, ['packed']);
    const framed = new Uint8Array([9, 9, ...bytes]);
    const out = new Int32Array(9);
    // Only the values the output holds are counted.
    expect(readHybrid(framed, 2, bytes.length, 3, out, 2)).toBe(1);
    expect([...out]).toEqual([1, 2, 3, 4, 5, 6, 7, 0, 1]);
  });

  it('refuses runs that end before the output is full or run past their bytes', () => {
    const bytes = encode(Array.from({ length: 100 }, (_, i) => i % 7), 3, ['packed']);
    expect(() => readHybrid(bytes, 0, bytes.length, 3, new Int32Array(200))).toThrow(/runs end after \d+ of 200 values/);
    expect(() => readHybrid(bytes, 0, bytes.length - 2, 3, new Int32Array(100))).toThrow(/bit-packed run is longer than its page/);
    expect(() => readHybrid(bytes, 0, bytes.length + 1, 3, new Int32Array(100))).toThrow(/longer than their page/);
    expect(() => readHybrid(Uint8Array.from([8]), 0, 1, 12, new Int32Array(4))).toThrow(/ends inside its value/);
    expect(() => readHybrid(bytes, 0, bytes.length, MAX_FAST_WIDTH + 1, new Int32Array(100))).toThrow(/widths up to/);
  });
});
