import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../../shared/stats/sort.js';
import { normal, rng } from './generate.js';

describe('sortFloat64 (radix)', () => {
  it.each([
    { name: 'normal, negatives and positives', values: normal(rng(1), 50_000) },
    { name: 'ties and integers', values: normal(rng(2), 20_000).map((x) => Math.round(x * 3)) },
    { name: 'wide magnitudes and infinities', values: [...normal(rng(3), 5_000).map((x) => Math.exp(20 * x) * Math.sign(x - 0.1)), Infinity, -Infinity, 0, 5e-324, -5e-324] },
    { name: 'small input', values: [3, -1, 2] },
    { name: 'constant', values: Array(10_000).fill(7.25) },
  ])('$name: same order as a numeric sort', ({ values }) => {
    const input = Float64Array.from(values);
    const expected = Float64Array.from(values).sort();
    expect(Array.from(sortFloat64(input))).toEqual(Array.from(expected));
    expect(Array.from(input)).toEqual(values);
  });
});
