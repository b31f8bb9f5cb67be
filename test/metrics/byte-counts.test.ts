import { describe, expect, it } from 'vitest';
import { drawMultiplicities } from '../../shared/metrics/bootstrap.js';
import { binaryEvaluator } from '../../shared/metrics/evaluator.js';
import { rankingChunk, type RankingData } from '../../shared/metrics/ranking-kernel.js';
import { rankingSweep } from '../../shared/metrics/ranking-sweep.js';
import { chunkSeed, drawCounts, drawStrata, Rng, seedState } from '../../shared/metrics/rng.js';

// The kernels count draws in bytes and draw a resample again in 32 bits when a byte would wrap.
// A real wrap needs 256 draws on one position, so these tests lower the limit to take that path.

function strataOf(n: number, rng: Rng): Uint32Array[] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) (rng.nextFloat() < 0.35 ? a : b).push(i);
  return [Uint32Array.from(a), Uint32Array.from(b)];
}

describe('byte counts of the bootstrap kernels', () => {
  it('drawCounts counts the draws of Rng.nextInt and leaves the state where Rng stands', () => {
    const state = seedState(chunkSeed(7, 0));
    const rng = new Rng(chunkSeed(7, 0));
    for (const size of [1, 2, 3, 255, 256, 1000, 70000]) {
      const counts = new Uint8Array(size);
      expect(drawCounts(state, counts)).toBe(false);
      const expected = new Uint32Array(size);
      for (let j = 0; j < size; j++) expected[rng.nextInt(size)]!++;
      expect(Array.from(counts)).toEqual(Array.from(expected));
    }
    expect(rng.nextUint32()).toBe(Rng.fromState(state).nextUint32());
  });

  it('drawCounts says when a count passed its limit', () => {
    const counts = new Uint8Array(3);
    expect(drawCounts(seedState(1), counts, 0)).toBe(true);
    expect(drawCounts(seedState(1), new Uint8Array(1), 1)).toBe(false);
    expect(drawCounts(seedState(1), new Uint8Array(2), 1)).toBe(true);
  });

  it('drawStrata draws a wrapped stratum again in 32 bits: the same multiplicities and state as drawMultiplicities', () => {
    const strata = strataOf(400, new Rng(3));
    const state = seedState(chunkSeed(11, 0));
    const rng = new Rng(chunkSeed(11, 0));
    for (const limit of [255, 1, 2, 3]) {
      const mult = new Uint32Array(400);
      drawStrata(state, strata, mult, new Uint8Array(400), limit);
      const expected = new Uint32Array(400);
      drawMultiplicities(rng, strata, expected);
      expect(Array.from(mult)).toEqual(Array.from(expected));
    }
    expect(Rng.fromState(state).nextUint32()).toBe(rng.nextUint32());
  });

  it('rankingChunk gives the same roc_auc and average precision whether resamples wrap or not', () => {
    const rng = new Rng(5);
    const n = 12;
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const score = Float64Array.from(y, (label) => Math.round(10 / (1 + Math.exp(-(label ? 1 : -1) - rng.nextNormal()))) / 10);
    const weight = Float64Array.from({ length: n }, () => 0.5 + rng.nextFloat());
    const p = binaryEvaluator({ y, score, weight }, { only: new Set(['roc_auc']) }).prepared;
    const data: RankingData = { n: p.n, y: p.y, weight: p.weight, groupStart: p.groupStart, strata: p.strata.filter((s) => s.length > 0) };
    const resamples = 200;
    const bytes = rankingChunk(data, 9, 0, resamples);
    // Limit 2: some resamples have a count of 3 or more (drawn again), others not.
    const mixed = rankingChunk(data, 9, 0, resamples, 2);
    expect(Array.from(mixed.auc)).toEqual(Array.from(bytes.auc));
    expect(Array.from(mixed.ap)).toEqual(Array.from(bytes.ap));

    const draws = new Rng(chunkSeed(9, 0));
    const mult = new Uint32Array(n);
    let wrapped = 0;
    for (let r = 0; r < resamples; r++) {
      drawMultiplicities(draws, data.strata, mult);
      if (Math.max(...mult) > 2) wrapped++;
      const totals = rankingSweep({ n, groupStart: p.groupStart, order: null, labels: p.y, positive: 1, weight: p.weight }, mult);
      const auc = totals.tp > 0 && totals.fp > 0 ? totals.area / (2 * totals.tp * totals.fp) : NaN;
      expect(bytes.auc[r]).toBe(auc);
    }
    expect(wrapped).toBeGreaterThan(0);
    expect(wrapped).toBeLessThan(resamples);
  });
});
