import { describe, expect, it } from 'vitest';
import { bootstrap, drawMultiplicities, quantile } from '../../shared/metrics/bootstrap.js';
import { binaryEvaluator, regressionEvaluator } from '../../shared/metrics/evaluator.js';
import { Rng } from '../../shared/metrics/rng.js';
import { argsortDescending } from '../../shared/metrics/sort.js';
import { binaryBootstrap, rankingBootstrap } from '../../shared/metrics/parallel.js';

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 via erf), accurate to ~1e-7: enough for a true AUC. */
function phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

describe('bootstrap', () => {
  it('draws exactly the stratum sizes, within each stratum', () => {
    const rng = new Rng(3);
    const strata = [Uint32Array.from([0, 2, 4]), Uint32Array.from([1, 3])];
    const mult = new Uint32Array(5);
    drawMultiplicities(rng, strata, mult);
    expect(mult[0]! + mult[2]! + mult[4]!).toBe(3);
    expect(mult[1]! + mult[3]!).toBe(2);
  });

  it('is reproducible with a seed', () => {
    const rng = new Rng(11);
    const n = 500;
    const y = Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.4 ? 1 : 0));
    const score = Float64Array.from(y, (label) => 1 / (1 + Math.exp(-(label ? 1 : -1) - rng.nextNormal())));
    const evaluator = binaryEvaluator({ y, score });
    const run = (seed: number) => bootstrap(evaluator.size, evaluator.strata, evaluator.evaluate, { resamples: 200, seed });
    expect(run(5)).toEqual(run(5));
    expect(run(5).roc_auc!.ci).not.toEqual(run(6).roc_auc!.ci);
    expect(run(5).roc_auc!.resamples).toBe(200);
  });

  it('numpy-style linear quantiles', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 1)).toBe(4);
    expect(quantile(sorted, 0.5)).toBe(2.5);
    expect(quantile(sorted, 0.025)).toBeCloseTo(1.075, 12);
  });

  // Seeded simulations: draw a sample from a population whose metric is known, and count how
  // often the 95% interval covers it. The tolerance allows for Monte Carlo noise (sd ~ 0.015 at
  // 200 trials) and the known slight under-coverage of percentile intervals at small n.
  it('roc_auc intervals cover the true AUC at about the nominal rate (binormal model)', () => {
    const rng = new Rng(2024);
    const separation = 1;
    const trueAuc = phi(separation / Math.SQRT2);
    const trials = 200;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const n = 200;
      const y = Uint8Array.from({ length: n }, (_, i) => (i < 80 ? 1 : 0));
      const score = Float64Array.from(y, (label) => (label ? separation : 0) + rng.nextNormal());
      const evaluator = binaryEvaluator({ y, score });
      const ci = bootstrap(evaluator.size, evaluator.strata, evaluator.evaluate, { resamples: 300, seed: t }).roc_auc!.ci!;
      if (ci[0] <= trueAuc && trueAuc <= ci[1]) covered++;
    }
    const rate = covered / trials;
    expect(rate).toBeGreaterThan(0.89);
    expect(rate).toBeLessThan(0.99);
  });

  it('regression mae intervals cover the true mean absolute error at about the nominal rate', () => {
    const rng = new Rng(77);
    // |N(0, 1)| has mean sqrt(2 / pi).
    const trueMae = Math.sqrt(2 / Math.PI);
    const trials = 200;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const n = 150;
      const y = Float64Array.from({ length: n }, () => rng.nextNormal() * 3);
      const pred = Float64Array.from(y, (v) => v + rng.nextNormal());
      const evaluator = regressionEvaluator({ y, pred });
      const ci = bootstrap(evaluator.size, evaluator.strata, evaluator.evaluate, { resamples: 300, seed: 1000 + t }).mae!.ci!;
      if (ci[0] <= trueMae && trueMae <= ci[1]) covered++;
    }
    const rate = covered / trials;
    expect(rate).toBeGreaterThan(0.89);
    expect(rate).toBeLessThan(0.99);
  });

  it('multiplicities equal metrics on the expanded sample (median of |error|, roc_auc)', () => {
    const rng = new Rng(9);
    const n = 41;
    const y = Float64Array.from({ length: n }, () => Math.round(rng.nextNormal() * 3));
    const pred = Float64Array.from({ length: n }, () => Math.round(rng.nextNormal() * 3));
    const mult = Uint32Array.from({ length: n }, () => rng.nextInt(3));
    const expandedY: number[] = [];
    const expandedPred: number[] = [];
    mult.forEach((m, i) => {
      for (let k = 0; k < m; k++) {
        expandedY.push(y[i]!);
        expandedPred.push(pred[i]!);
      }
    });
    const viaMult = regressionEvaluator({ y, pred }).evaluate(mult);
    const expanded = regressionEvaluator({ y: Float64Array.from(expandedY), pred: Float64Array.from(expandedPred) }).evaluate(null);
    for (const name of ['mae', 'mse', 'median_absolute_error', 'r2', 'explained_variance']) expect(viaMult[name]!.value!, name).toBeCloseTo(expanded[name]!.value!, 12);

    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3 === 0 ? 1 : 0);
    const scores = Float64Array.from({ length: n }, () => Math.round(rng.nextFloat() * 10) / 10);
    const expandedLabels: number[] = [];
    const expandedScores: number[] = [];
    mult.forEach((m, i) => {
      for (let k = 0; k < m; k++) {
        expandedLabels.push(labels[i]!);
        expandedScores.push(scores[i]!);
      }
    });
    // The binary evaluator keeps rows in score order: multiplicities are indexed by position.
    const binary = binaryEvaluator({ y: labels, score: scores });
    const a = binary.evaluate(Uint32Array.from(binary.prepared.order, (row) => mult[row]!));
    const b = binaryEvaluator({ y: Uint8Array.from(expandedLabels), score: Float64Array.from(expandedScores) }).evaluate(null);
    for (const name of ['roc_auc', 'average_precision', 'log_loss', 'f1', 'matthews_corrcoef', 'ece']) expect(a[name]!.value!, name).toBeCloseTo(b[name]!.value!, 12);
  });
});

describe('argsortDescending', () => {
  it('sorts descending, stable among ties, with negatives, zeros and -0', () => {
    const values = Float64Array.from([0.5, -1, 0, 3, 0.5, -0, 1e-300, -2.5, 3]);
    const order = argsortDescending(values);
    expect(Array.from(order, (i) => values[i])).toEqual([3, 3, 0.5, 0.5, 1e-300, 0, -0, -1, -2.5]);
    expect(Array.from(order).slice(0, 4)).toEqual([3, 8, 0, 4]);
    expect(Array.from(order).slice(5, 7)).toEqual([2, 5]);
  });

  it('matches a comparator sort on random data', () => {
    const rng = new Rng(1);
    const values = Float64Array.from({ length: 5000 }, () => Math.round(rng.nextNormal() * 1000) / 100);
    const expected = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
    expect(Array.from(argsortDescending(values))).toEqual(expected);
  });
});

describe('parallel ranking bootstrap', () => {
  it('gives the same intervals as the generic bootstrap, in this thread and on worker threads', async () => {
    const rng = new Rng(5);
    const n = 3000;
    const y = Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.2 ? 1 : 0));
    const score = Float64Array.from(y, (label) => Math.round(100 / (1 + Math.exp(-(label ? 1 : -1) - rng.nextNormal()))) / 100);
    const weight = Float64Array.from({ length: n }, () => 0.5 + rng.nextFloat());
    const evaluator = binaryEvaluator({ y, score, weight }, { only: new Set(['roc_auc']) });
    const generic = bootstrap(evaluator.size, evaluator.strata, evaluator.evaluate, { resamples: 120, seed: 9 });
    const inThread = await rankingBootstrap(evaluator.prepared, { resamples: 120, seed: 9, threads: 1 });
    const workers = await rankingBootstrap(evaluator.prepared, { resamples: 120, seed: 9, threads: 2, minParallelWork: 0 });
    expect(inThread.roc_auc).toEqual(generic.roc_auc);
    expect(inThread.average_precision).toEqual(generic.average_precision);
    expect(workers).toEqual(inThread);
  });
});

describe('parallel binary bootstrap (every metric)', () => {
  it('gives the same intervals as the generic bootstrap, in this thread and on worker threads', async () => {
    const rng = new Rng(6);
    const n = 2000;
    const y = Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.3 ? 1 : 0));
    const score = Float64Array.from(y, (label) => Math.round(100 / (1 + Math.exp(-(label ? 1 : -1) - rng.nextNormal()))) / 100);
    const weight = Float64Array.from({ length: n }, () => (rng.nextFloat() < 0.05 ? 0 : 0.5 + rng.nextFloat()));
    const evaluator = binaryEvaluator({ y, score, weight });
    const generic = bootstrap(evaluator.size, evaluator.strata, evaluator.evaluate, { resamples: 110, seed: 4 });
    const inThread = await binaryBootstrap(evaluator.prepared, { resamples: 110, seed: 4, threads: 1 });
    const workers = await binaryBootstrap(evaluator.prepared, { resamples: 110, seed: 4, threads: 2, minParallelWork: 0 });
    expect(Object.keys(inThread).sort()).toEqual(Object.keys(generic).sort());
    expect(inThread).toEqual(generic);
    expect(workers).toEqual(inThread);
  });
});
