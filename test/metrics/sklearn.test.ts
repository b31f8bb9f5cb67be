import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryCurves, binaryStats, binaryConfusion, reliabilityCurve } from '../../shared/metrics/binary.js';
import { binaryEvaluator, multiclassEvaluator, regressionEvaluator } from '../../shared/metrics/evaluator.js';
import { multiclassConfusion } from '../../shared/metrics/multiclass.js';
import type { MetricValues } from '../../shared/metrics/types.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';
import { binaryCase, multiclassCase, regressionCase, type BinaryCase, type MulticlassCase, type RegressionCase } from './cases.js';

const binaryCases: BinaryCase[] = [
  binaryCase('n=10 continuous', { n: 10, seed: 1 }),
  binaryCase('n=50 ties (1 decimal)', { n: 50, seed: 2, decimals: 1 }),
  binaryCase('n=100 extremes 0 and 1', { n: 100, seed: 3, extremes: 0.3 }),
  binaryCase('n=1000 weights', { n: 1000, seed: 4, weights: 'uniform' }),
  binaryCase('n=1000 weights with zeros and ties', { n: 1000, seed: 5, weights: 'with-zeros', decimals: 2 }),
  binaryCase('n=5000 imbalanced 1%', { n: 5000, seed: 6, prevalence: 0.01 }),
  binaryCase('n=10000 heavy ties', { n: 10000, seed: 7, decimals: 1, extremes: 0.05 }),
  binaryCase('n=100000 continuous', { n: 100000, seed: 8 }),
  binaryCase('n=100000 weighted imbalanced ties', { n: 100000, seed: 9, prevalence: 0.03, weights: 'integer', decimals: 3 }),
  binaryCase('n=200 constant score', { n: 200, seed: 10, constantScore: true }),
  binaryCase('n=300 perfect separation', { n: 300, seed: 11, separation: 40 }),
  binaryCase('n=300 inverted scores', { n: 300, seed: 12, separation: -1.5 }),
  binaryCase('n=20 all extremes', { n: 20, seed: 13, extremes: 1 }),
  binaryCase('n=500 imbalanced 95% positive with weights', { n: 500, seed: 14, prevalence: 0.95, weights: 'uniform', decimals: 2 }),
  binaryCase('n=30 one class: all negative', { n: 30, seed: 17, prevalence: 0 }),
  binaryCase('n=30 one class: all positive, weighted', { n: 30, seed: 18, prevalence: 1, weights: 'uniform' }),
];
// Hard predictions that disagree with the threshold, and predictions with no positives.
binaryCases.push({ ...binaryCase('n=400 given predictions', { n: 400, seed: 15 }), name: 'n=400 given predictions' });
binaryCases[binaryCases.length - 1]!.pred = binaryCases[binaryCases.length - 1]!.score.map((s, i) => (s > 0.7 || i % 13 === 0 ? 1 : 0));
const noPositivePredictions = binaryCase('n=60 no positive predictions', { n: 60, seed: 16 });
noPositivePredictions.pred = noPositivePredictions.y.map(() => 0);
binaryCases.push(noPositivePredictions);

const multiclassCases: MulticlassCase[] = [
  multiclassCase('3 classes n=30', { n: 30, k: 3, seed: 21 }),
  multiclassCase('3 classes n=1000 weighted', { n: 1000, k: 3, seed: 22, weights: true }),
  multiclassCase('3 classes n=20000 ties', { n: 20000, k: 3, seed: 23, decimals: 1 }),
  multiclassCase('10 classes n=500', { n: 500, k: 10, seed: 24 }),
  multiclassCase('10 classes n=5000 skewed weighted', { n: 5000, k: 10, seed: 25, skew: true, weights: true }),
  multiclassCase('10 classes n=100000 ties', { n: 100000, k: 10, seed: 26, decimals: 2 }),
  multiclassCase('3 classes n=300 extremes', { n: 300, k: 3, seed: 27, extremes: 0.3 }),
  multiclassCase('4 classes n=2000 skewed', { n: 2000, k: 4, seed: 28, skew: true }),
];

const regressionCases: RegressionCase[] = [
  regressionCase('n=10', { n: 10, seed: 31 }),
  regressionCase('n=11 odd median', { n: 11, seed: 32 }),
  regressionCase('n=1000 weighted', { n: 1000, seed: 33, weights: true }),
  regressionCase('n=1000 zeros in labels', { n: 1000, seed: 34, zeros: 0.05 }),
  regressionCase('n=5000 ties in errors', { n: 5000, seed: 35, decimals: 0 }),
  regressionCase('n=100000', { n: 100000, seed: 36, scale: 1000 }),
  regressionCase('n=100000 weighted ties', { n: 100000, seed: 37, weights: true, decimals: 1 }),
  regressionCase('n=40 weighted ties', { n: 40, seed: 38, weights: true, decimals: 0 }),
];

interface Reference {
  binary: { metrics: Record<string, number | null>; confusion: number[][]; reliability?: { fraction_positive: number[]; mean_predicted: number[] }; roc?: { fpr: number[]; tpr: number[] }; pr?: { precision: number[]; recall: number[] } }[];
  multiclass: { metrics: Record<string, number | null>; confusion: number[][] }[];
  regression: { metrics: Record<string, number | null> }[];
}

const script = readFileSync(new URL('./sklearn_reference.py', import.meta.url), 'utf8');
const available = hasPythonModule('sklearn');
let reference: Reference;

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

function expectSame(ours: MetricValues, theirs: Record<string, number | null>) {
  const mismatches: string[] = [];
  for (const [name, expected] of Object.entries(theirs)) {
    const actual = ours[name];
    if (!actual) mismatches.push(`${name}: missing`);
    else if (expected === null) {
      if (actual.value !== null) mismatches.push(`${name}: ours ${actual.value}, sklearn undefined`);
      else expect(actual.reason).toBeTruthy();
    } else if (actual.value === null || !close(actual.value, expected)) {
      mismatches.push(`${name}: ours ${actual.value} (${actual.reason ?? ''}), sklearn ${expected}`);
    }
  }
  expect(mismatches).toEqual([]);
}

function expectArrayClose(actual: number[], expected: number[]) {
  expect(actual.length).toBe(expected.length);
  const bad = actual.flatMap((v, i) => (close(v, expected[i]!) ? [] : [`index ${i}: ${v} vs ${expected[i]}`]));
  expect(bad.slice(0, 5)).toEqual([]);
}

describe.skipIf(!available)('metrics equal scikit-learn', () => {
  beforeAll(() => {
    reference = runPythonJson<Reference>(script, { binary: binaryCases, multiclass: multiclassCases, regression: regressionCases });
  });

  it('has at least 30 generated cases', () => {
    expect(binaryCases.length + multiclassCases.length + regressionCases.length).toBeGreaterThanOrEqual(30);
  });

  describe('binary', () => {
    binaryCases.forEach((c, index) => {
      it(c.name, () => {
        const evaluator = binaryEvaluator({
          y: Uint8Array.from(c.y),
          score: Float64Array.from(c.score),
          pred: c.pred ? Uint8Array.from(c.pred) : undefined,
          weight: c.weight ? Float64Array.from(c.weight) : null,
        });
        const ref = reference.binary[index]!;
        expectSame(evaluator.evaluate(null), ref.metrics);
        const stats = binaryStats(evaluator.prepared, null);
        expectArrayClose(binaryConfusion(stats).flat(), ref.confusion.flat());
        if (ref.reliability) {
          const curve = reliabilityCurve(stats);
          expectArrayClose(curve.map((b) => b.fractionPositive), ref.reliability.fraction_positive);
          expectArrayClose(curve.map((b) => b.meanPredicted), ref.reliability.mean_predicted);
        }
        if (ref.roc && ref.pr) {
          const curves = binaryCurves(evaluator.prepared)!;
          expectArrayClose(curves.roc.fpr, ref.roc.fpr);
          expectArrayClose(curves.roc.tpr, ref.roc.tpr);
          expectArrayClose(curves.pr.precision, ref.pr.precision);
          expectArrayClose(curves.pr.recall, ref.pr.recall);
        }
      });
    });
  });

  describe('multiclass', () => {
    multiclassCases.forEach((c, index) => {
      it(c.name, () => {
        const evaluator = multiclassEvaluator({
          y: Int32Array.from(c.y),
          k: c.k,
          proba: Float64Array.from(c.proba),
          weight: c.weight ? Float64Array.from(c.weight) : null,
        });
        const ref = reference.multiclass[index]!;
        expectSame(evaluator.evaluate(null), ref.metrics);
        expectArrayClose(multiclassConfusion(evaluator.prepared).flat(), ref.confusion.flat());
      });
    });
  });

  describe('regression', () => {
    regressionCases.forEach((c, index) => {
      it(c.name, () => {
        const evaluator = regressionEvaluator({
          y: Float64Array.from(c.y),
          pred: Float64Array.from(c.pred),
          weight: c.weight ? Float64Array.from(c.weight) : null,
        });
        expectSame(evaluator.evaluate(null), reference.regression[index]!.metrics);
      });
    });
  });
});
