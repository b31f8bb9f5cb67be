import { describe, expect, it } from 'vitest';
import { ColumnAccumulator } from '../../shared/drift/accumulate.js';
import { histogramCounts } from '../../shared/stats/binning.js';
import type { NumericDistribution } from '../../shared/stats/distribution.js';
import { KllSketch, kllRankErrorBound } from '../../shared/stats/kll.js';
import { ksTest, psiEvidently, wassersteinNorm } from '../../shared/stats/methods.js';
import { normal, rng } from './generate.js';

function maxRankError(sketch: KllSketch, sorted: Float64Array): number {
  let worst = 0;
  for (let q = 0.005; q < 1; q += 0.005) {
    const x = sorted[Math.floor(q * sorted.length)]!;
    // exact rank: number of values <= x
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    worst = Math.max(worst, Math.abs(sketch.rank(x) - lo) / sorted.length);
  }
  return worst;
}

describe('KLL sketch', () => {
  it.each([
    { k: 200, seed: 1 },
    { k: 200, seed: 2 },
    { k: 1024, seed: 3 },
  ])('k=$k seed=$seed: rank error within the stated bound, memory O(k)', ({ k, seed }) => {
    const values = Float64Array.from(normal(rng(seed), 400_000));
    const sketch = new KllSketch(k, seed);
    for (const v of values) sketch.update(v);
    const sorted = values.slice().sort();
    expect(sketch.count).toBe(values.length);
    expect(maxRankError(sketch, sorted)).toBeLessThanOrEqual(kllRankErrorBound(k));
    expect(sketch.retained()).toBeLessThanOrEqual(3 * k + 64);
    const { weights } = sketch.weightedItems();
    expect(weights.reduce((a, b) => a + b, 0)).toBe(values.length);
  });

  it('merged sketches summarize the union within the bound', () => {
    const a = Float64Array.from(normal(rng(11), 200_000));
    const b = Float64Array.from(normal(rng(12), 300_000, 1, 2));
    const sa = new KllSketch(512, 1);
    const sb = new KllSketch(512, 2);
    for (const v of a) sa.update(v);
    for (const v of b) sb.update(v);
    sa.merge(sb);
    const union = new Float64Array(a.length + b.length);
    union.set(a);
    union.set(b, a.length);
    union.sort();
    expect(sa.count).toBe(union.length);
    expect(maxRankError(sa, union)).toBeLessThanOrEqual(kllRankErrorBound(512));
  });

  it('is deterministic: the same stream gives the same sketch', () => {
    const values = normal(rng(5), 50_000);
    const s1 = new KllSketch(256);
    const s2 = new KllSketch(256);
    for (const v of values) {
      s1.update(v);
      s2.update(v);
    }
    expect(s1.weightedItems()).toEqual(s2.weightedItems());
  });
});

describe('sketch mode drift vs exact', () => {
  const n = 600_000;
  const refValues = normal(rng(21), n);
  const curValues = normal(rng(22), n, 0.05, 1.05);
  const cells = (values: number[]) => values.map((v) => v.toFixed(6));

  function accumulate(values: number[], sketchAbove: number): { dist: NumericDistribution; retained: number } {
    const acc = new ColumnAccumulator({ sketchAbove, sketchK: 1024 });
    const text = cells(values);
    for (let i = 0; i < text.length; i += 10_000) acc.add(text.slice(i, i + 10_000));
    return { dist: acc.distribution() as NumericDistribution, retained: acc.retained() };
  }

  const exactRef = accumulate(refValues, Infinity).dist;
  const exactCur = accumulate(curValues, Infinity).dist;
  const sketchRef = accumulate(refValues, 50_000);
  const sketchCur = accumulate(curValues, 50_000);
  const eps = kllRankErrorBound(1024);

  it('says approximate, with the bound, and keeps O(k) values in memory', () => {
    expect(sketchRef.dist.rankError).toBeCloseTo(eps, 12);
    expect(exactRef.rankError).toBeUndefined();
    expect(sketchRef.retained).toBeLessThanOrEqual(3 * 1024 + 64);
    expect(sketchRef.dist.n).toBe(n);
    // moments stay exact
    expect(sketchRef.dist.mean).toBeCloseTo(exactRef.mean, 10);
    expect(Math.sqrt(sketchRef.dist.variance)).toBeCloseTo(Math.sqrt(exactRef.variance), 9);
  });

  it('KS statistic within eps_ref + eps_cur of the exact one', () => {
    const exact = ksTest(exactRef, exactCur);
    const approx = ksTest(sketchRef.dist, sketchCur.dist);
    expect(approx.pMethod).toBe('asymp');
    expect(Math.abs(approx.statistic - exact.statistic)).toBeLessThanOrEqual(2 * eps);
  });

  it('Wasserstein within (eps_ref + eps_cur) * range / std of the exact one', () => {
    const exact = wassersteinNorm(exactRef, exactCur).statistic;
    const approx = wassersteinNorm(sketchRef.dist, sketchCur.dist).statistic;
    const range = Math.max(exactRef.max, exactCur.max) - Math.min(exactRef.min, exactCur.min);
    expect(Math.abs(approx - exact)).toBeLessThanOrEqual((2 * eps * range) / Math.sqrt(exactRef.variance));
  });

  it('PSI bin proportions within 2 eps of the exact ones (same Sturges edges)', () => {
    const exact = psiEvidently(exactRef, exactCur).binned!;
    const approx = psiEvidently(sketchRef.dist, sketchCur.dist).binned!;
    expect(approx.edges).toEqual(exact.edges);
    const exactCounts = histogramCounts(exactRef, exact.edges!);
    const approxCounts = histogramCounts(sketchRef.dist, exact.edges!);
    for (let i = 0; i < exactCounts.length; i++) expect(Math.abs(approxCounts[i]! - exactCounts[i]!) / n).toBeLessThanOrEqual(2 * eps);
  });
});
