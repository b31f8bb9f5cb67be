import { describe, expect, it } from 'vitest';
import { mannWhitneyU, smallestOneSidedPValue, type Alternative, type MannWhitneyMethod } from '../../shared/stats/mann-whitney.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';
import { seededRandom } from '../helpers/seeded-random.js';

interface Case {
  name: string;
  x: number[];
  y: number[];
}

const random = seededRandom(14);
const uniform = (n: number, low: number, high: number): number[] => Array.from({ length: n }, () => low + (high - low) * random());
const rounded = (values: number[], step: number): number[] => values.map((value) => Math.round(value / step) * step);

const cases: Case[] = [
  { name: 'scipy docs example (5 vs 4)', x: [19, 22, 16, 29, 24], y: [20, 11, 17, 12] },
  { name: 'one value each, different', x: [2], y: [1] },
  { name: 'one value each, equal', x: [1], y: [1] },
  { name: 'all values equal (6 vs 9)', x: Array(6).fill(0.004), y: Array(9).fill(0.004) },
  { name: 'all values equal, large (40 vs 60)', x: Array(40).fill(3), y: Array(60).fill(3) },
  { name: 'complete separation (3 vs 3)', x: [10, 11, 12], y: [1, 2, 3] },
  { name: 'complete separation, unequal (2 vs 12)', x: [100, 101], y: uniform(12, 0, 1) },
  { name: 'ties across samples (7 vs 7)', x: [1, 2, 2, 3, 3, 3, 4], y: [2, 3, 4, 4, 5, 5, 6] },
  { name: 'ties, unequal sizes (5 vs 23)', x: rounded(uniform(5, 0, 10), 1), y: rounded(uniform(23, 2, 12), 1) },
  { name: 'no ties, small vs large (8 vs 60)', x: uniform(8, 0.2, 1.2), y: uniform(60, 0, 1) },
  { name: 'no ties, 4 vs 200', x: uniform(4, 0.5, 1.5), y: uniform(200, 0, 1) },
  { name: 'no ties, both above 8 (12 vs 15)', x: uniform(12, 0, 1), y: uniform(15, 0.3, 1.3) },
  { name: 'heavy ties, large (150 vs 230)', x: rounded(uniform(150, 0, 1), 0.1), y: rounded(uniform(230, 0.05, 1.05), 0.1) },
  { name: 'large, no ties (400 vs 350)', x: uniform(400, 0, 1), y: uniform(350, 0.02, 1.02) },
  { name: 'negative values and infinities', x: [-Infinity, -3, -1.5, 0, 2], y: [-2, -1, 1, Infinity, 5, 6] },
];

const alternatives: Alternative[] = ['two-sided', 'greater', 'less'];
const methods: MannWhitneyMethod[] = ['auto', 'asymptotic', 'exact'];

interface Reference {
  statistic: number;
  /** null where scipy gives NaN: all values equal without continuity correction is 0 / 0. */
  pvalue: number | null;
}

const available = hasPythonModule('scipy');

describe.skipIf(!available)('Mann-Whitney U agrees with scipy.stats.mannwhitneyu to 1e-9', () => {
  // scipy's exact method costs O(U^2): forced on large samples it would take seconds, so only where it is cheap.
  const cheapExact = (test: Case): boolean => test.x.length * test.y.length <= 2500;
  const requests = cases.flatMap((test) => alternatives.flatMap((alternative) => methods.filter((method) => method !== 'exact' || cheapExact(test)).flatMap((method) => [
    { x: test.x, y: test.y, alternative, method, continuity: true },
    ...(method === 'asymptotic' ? [{ x: test.x, y: test.y, alternative, method, continuity: false }] : []),
  ])));
  // Infinities do not survive JSON: they travel as strings and Python turns them back into floats.
  const encode = (values: number[]): (number | string)[] => values.map((value) => (Number.isFinite(value) ? value : String(value)));
  const reference = available
    ? runPythonJson<Reference[]>(
        `
import json, sys
from scipy.stats import mannwhitneyu
out = []
for case in json.load(sys.stdin):
    x = [float(v) for v in case["x"]]
    y = [float(v) for v in case["y"]]
    r = mannwhitneyu(x, y, alternative=case["alternative"], method=case["method"], use_continuity=case["continuity"])
    p = float(r.pvalue)
    out.append({"statistic": float(r.statistic), "pvalue": None if p != p else p})
print(json.dumps(out))
`,
        requests.map((request) => ({ ...request, x: encode(request.x), y: encode(request.y) })),
      )
    : [];

  cases.forEach((test) => {
    it(test.name, () => {
      requests.forEach((request, index) => {
        if (request.x !== test.x) return;
        const ours = mannWhitneyU(request.x, request.y, request);
        const expected = reference[index]!;
        const label = `${request.alternative} ${request.method} continuity=${request.continuity}`;
        expect(ours.statistic, label).toBe(expected.statistic);
        if (expected.pvalue === null) expect(ours.pValue, label).toBeNaN();
        else expect(Math.abs(ours.pValue - expected.pvalue), `${label}: ${ours.pValue} vs ${expected.pvalue}`).toBeLessThan(1e-9);
      });
    });
  });
});

describe('Mann-Whitney U without the reference', () => {
  it('auto is exact without ties when a sample has at most 8 values, asymptotic otherwise', () => {
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]).method).toBe('exact');
    expect(mannWhitneyU([1, 2, 2], [4, 5]).method).toBe('asymptotic');
    expect(mannWhitneyU(uniform(9, 0, 1), uniform(9, 0, 1)).method).toBe('asymptotic');
  });

  it('a greater first sample gives a small p for greater and a large one for less', () => {
    const greater = mannWhitneyU([10, 11, 12, 13], [1, 2, 3, 4], { alternative: 'greater' });
    const less = mannWhitneyU([10, 11, 12, 13], [1, 2, 3, 4], { alternative: 'less' });
    expect(greater.statistic).toBe(16);
    expect(greater.pValue).toBeCloseTo(1 / 70, 15);
    expect(less.pValue).toBe(1);
  });

  it('refuses an empty sample and NaN', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/at least one value/);
    expect(() => mannWhitneyU([1, Number.NaN], [1])).toThrow(/NaN/);
  });

  it('the smallest one-sided p-value is 1 / C(n1 + n2, n1), the p of complete separation', () => {
    expect(smallestOneSidedPValue(3, 3)).toBeCloseTo(1 / 20, 15);
    expect(smallestOneSidedPValue(1, 3)).toBeCloseTo(1 / 4, 15);
    expect(smallestOneSidedPValue(5, 2)).toBeCloseTo(1 / 21, 15);
    expect(mannWhitneyU([7, 8, 9], [1, 2, 3], { alternative: 'greater' }).pValue).toBeCloseTo(smallestOneSidedPValue(3, 3), 15);
  });
});
