import { describe, expect, it } from 'vitest';
import { KeyTracker } from '../../shared/schema/keys.js';
import { seededInt } from '../helpers/seeded-random.js';

// Every path of the tracker (dense table for integer ids, Map, spill files, and the hand-overs
// between them) must report the duplicates a plain Map would: each repeat with its latest earlier row.
function reference(keys: (string | number)[]): [number, number][] {
  const latest = new Map<string | number, number>();
  const found: [number, number][] = [];
  keys.forEach((key, i) => {
    const row = i + 2;
    const previous = latest.get(key);
    if (previous !== undefined) found.push([row, previous]);
    latest.set(key, row);
  });
  return found;
}

function tracked(keys: (string | number)[], budget: number): [number, number][] {
  const tracker = new KeyTracker(budget);
  const found: [number, number][] = [];
  try {
    keys.forEach((key, i) => {
      const previous = tracker.add(key, i + 2);
      if (previous) found.push([i + 2, previous]);
    });
    const late = tracker.finish(1_000_000);
    for (const duplicate of late.first) found.push([duplicate.rowNumber, duplicate.previous]);
    expect(late.count).toBe(late.first.length);
  } finally {
    tracker.dispose();
  }
  return found.sort((a, b) => a[0] - b[0]);
}


describe('KeyTracker', () => {
  const next = seededInt(7);
  const sequential = Array.from({ length: 50_000 }, (_, i) => (i % 997 === 5 ? i - 100 : i + 1));
  const downward = Array.from({ length: 20_000 }, (_, i) => (i % 501 === 3 ? 5_000_000 - i + 7 : 5_000_000 - i));
  const wide = Array.from({ length: 20_000 }, (_, i) => (i === 15_000 ? 1e12 : i % 800 === 9 ? i - 50 : i));
  // Pages of the dense table over a range just under its limit (2^21 keys), then one key past it.
  const spread = [...Array.from({ length: 6000 }, (_, i) => (i % 700 === 11 ? (i - 300) * 349 : i * 349)), 2 ** 21 + 5, 0, 2 ** 21 + 5];
  const negative = Array.from({ length: 30_000 }, (_, i) => (i % 613 === 2 ? -7 * (i - 40) - 3 : -7 * i - 3));
  const mixed = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? i / 2 + 0.5 : i % 3 === 1 ? `s${next(5000)}` : next(3000)));
  const cases: [string, (string | number)[]][] = [
    ['sequential ids with repeats (dense table)', sequential],
    ['ids counting down (the table widens below)', downward],
    ['an id far outside the range (hands over to the Map or spill)', wide],
    ['ids over many pages up to the range limit, then past it', spread],
    ['negative ids, pages made below the first', negative],
    ['floats, strings and integers mixed', mixed],
    ['negative zero and zero', [0, -0, 1, -1, 0]],
  ];
  it.each(cases)('%s', (_, keys) => {
    const expected = reference(keys);
    expect(expected.length).toBeGreaterThan(0);
    for (const budget of [1 << 18, 100]) expect(tracked(keys, budget)).toEqual(expected);
  });
});
