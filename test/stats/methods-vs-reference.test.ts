import { describe, expect, it } from 'vitest';
import { categoricalFromValues, numericFromValues, type Distribution } from '../../shared/stats/distribution.js';
import { autoMethod, runMethod, type DriftMethod } from '../../shared/stats/methods.js';
import { runPythonJson } from '../helpers/python.js';
import { hasEvidentlyReference, referenceScript } from '../drift/evidently.js';
import { categories, normal, rng } from './generate.js';

/**
 * Every statistic and p-value against scipy, and PSI / Wasserstein / Jensen-Shannon / chi-square /
 * Z against Evidently's own stattest functions, on generated data (several seeds, sizes on both
 * sides of 1000 and of scipy's exact-KS limit, ties, constant columns, one category, categories
 * only in the current data). Tolerance: 1e-9, relative for values above 1.
 */

type Raw = number | string;
interface Case {
  name: string;
  kind: 'numeric' | 'categorical';
  integer?: boolean;
  ref: Raw[];
  cur: Raw[];
}

type PyNum = number | 'nan' | 'inf' | '-inf' | null;
interface PyResult {
  auto: string;
  ks?: [PyNum, PyNum];
  ks_evidently_p?: PyNum;
  wasserstein?: PyNum;
  psi: PyNum;
  jensenshannon: PyNum;
  jsd: PyNum;
  linf: PyNum;
  psi_deciles: PyNum;
  chisquare: [PyNum, PyNum];
  chisquare_evidently_p: PyNum;
  z_evidently_p: PyNum;
}

function toNumber(x: PyNum | undefined): number {
  if (x === 'nan' || x === null || x === undefined) return Number.NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  return x;
}

const round = (xs: number[], digits: number) => xs.map((x) => Number(x.toFixed(digits)));

function buildCases(): Case[] {
  const cases: Case[] = [];
  for (const seed of [1, 2, 3]) {
    const r = rng(seed);
    for (const [nRef, nCur] of [
      [200, 150],
      [1000, 700],
      [1500, 1200],
      [4000, 4000],
      [12_000, 9_000],
    ] as const) {
      cases.push({ name: `normal shift seed=${seed} ${nRef}x${nCur}`, kind: 'numeric', ref: normal(r, nRef), cur: normal(r, nCur, 0.1, 1.1) });
    }
    cases.push({ name: `same distribution seed=${seed}`, kind: 'numeric', ref: normal(r, 800), cur: normal(r, 600) });
    cases.push({ name: `ties (1 decimal) seed=${seed}`, kind: 'numeric', ref: round(normal(r, 900), 1), cur: round(normal(r, 1100, 0.05), 1) });
    cases.push({ name: `ties asymptotic seed=${seed}`, kind: 'numeric', ref: round(normal(r, 15_000), 2), cur: round(normal(r, 11_000, 0.02), 2) });
    cases.push({ name: `few values seed=${seed}`, kind: 'numeric', integer: true, ref: round(normal(r, 500, 2, 0.8), 0), cur: round(normal(r, 400, 2.2, 0.8), 0) });
    cases.push({ name: `integers 0..30 seed=${seed}`, kind: 'numeric', integer: true, ref: round(normal(r, 3000, 15, 5), 0), cur: round(normal(r, 2500, 16, 5), 0) });
    cases.push({ name: `with NaN and inf seed=${seed}`, kind: 'numeric', ref: [...normal(r, 300), 'nan', 'inf', '-inf'], cur: [...normal(r, 250, 0.3), 'nan'] });
    cases.push({
      name: `categories seed=${seed}`,
      kind: 'categorical',
      ref: categories(r, 900, ['a', 'b', 'c', 'd'], [4, 3, 2, 1]),
      cur: categories(r, 700, ['a', 'b', 'c', 'd'], [3, 3, 3, 1]),
    });
    cases.push({
      name: `categories large seed=${seed}`,
      kind: 'categorical',
      ref: categories(r, 5000, ['x', 'y', 'z'], [5, 3, 2]),
      cur: categories(r, 4000, ['x', 'y', 'z'], [5, 2.5, 2.5]),
    });
    cases.push({
      name: `category only in current seed=${seed}`,
      kind: 'categorical',
      ref: categories(r, 600, ['a', 'b', 'c'], [5, 3, 2]),
      cur: categories(r, 500, ['a', 'b', 'c', 'new'], [5, 3, 2, 1]),
    });
    cases.push({ name: `binary seed=${seed}`, kind: 'categorical', ref: categories(r, 400, ['no', 'yes'], [7, 3]), cur: categories(r, 300, ['no', 'yes'], [6, 4]) });
  }
  cases.push({ name: 'constant numeric', kind: 'numeric', ref: Array(300).fill(5), cur: Array(200).fill(5) });
  cases.push({ name: 'constant reference, varied current', kind: 'numeric', ref: Array(300).fill(5), cur: normal(rng(9), 200, 5) });
  cases.push({ name: 'one category', kind: 'categorical', ref: Array(100).fill('a'), cur: Array(80).fill('a') });
  cases.push({ name: 'one category each, different', kind: 'categorical', ref: Array(100).fill('a'), cur: Array(80).fill('b') });
  cases.push({ name: 'reference 0..99, current +10', kind: 'numeric', ref: [...Array(100).keys()], cur: [...Array(100).keys()].map((x) => x + 10) });
  return cases;
}

function distribution(kind: Case['kind'], values: Raw[], integer?: boolean): Distribution {
  if (kind === 'categorical') return categoricalFromValues(values.map(String));
  const numbers = values.map(Number).filter((x) => Number.isFinite(x));
  return numericFromValues(Float64Array.from(numbers), integer === undefined ? {} : { integer });
}

function close(actual: number | null, expected: number): void {
  if (Number.isNaN(expected)) {
    expect(actual === null || Number.isNaN(actual)).toBe(true);
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  expect(actual).not.toBeNull();
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  expect(Math.abs(actual! - expected), `actual ${actual} expected ${expected}`).toBeLessThanOrEqual(tolerance);
}

const available = hasEvidentlyReference();
const cases = buildCases();
const reference: PyResult[] = available
  ? runPythonJson<PyResult[]>(`exec(open(${JSON.stringify(referenceScript)}).read())`, { cases: cases.map((c) => ({ kind: c.kind, integer: c.integer ?? false, ref: c.ref, cur: c.cur })) })
  : [];

const AUTO_NAMES: Record<string, DriftMethod> = { ks: 'ks', chisquare: 'chisquare', z: 'z', wasserstein: 'wasserstein', jensenshannon: 'jensenshannon' };

describe.skipIf(!available)('drift methods agree with scipy and Evidently', () => {
  cases.forEach((c, index) => {
    describe(c.name, () => {
      const ref = distribution(c.kind, c.ref, c.integer);
      const cur = distribution(c.kind, c.cur, c.integer);
      const py = () => reference[index]!;

      it('auto picks the method Evidently picks', () => {
        expect(autoMethod(ref, cur)).toBe(AUTO_NAMES[py().auto]);
      });

      if (c.kind === 'numeric') {
        it('ks statistic and p-value equal scipy ks_2samp', () => {
          const result = runMethod('ks', ref, cur);
          close(result.statistic, toNumber(py().ks![0]));
          close(result.pValue, toNumber(py().ks![1]));
          close(result.pValue, toNumber(py().ks_evidently_p));
        });
        it('wasserstein equals Evidently', () => {
          close(runMethod('wasserstein', ref, cur).statistic, toNumber(py().wasserstein));
        });
      }

      it('psi equals Evidently', () => {
        close(runMethod('psi', ref, cur).statistic, toNumber(py().psi));
      });
      it('jensenshannon equals Evidently', () => {
        close(runMethod('jensenshannon', ref, cur).statistic, toNumber(py().jensenshannon));
      });
      it('TFDV jsd (base 2) and linf equal scipy/numpy on the same bins', () => {
        close(runMethod('jsd', ref, cur).statistic, toNumber(py().jsd));
        close(runMethod('linf', ref, cur).statistic, toNumber(py().linf));
      });
      it('psi-deciles equals the numpy reference', () => {
        close(runMethod('psi-deciles', ref, cur).statistic, toNumber(py().psi_deciles));
      });
      it('chi-square statistic and p-value equal scipy (and Evidently)', () => {
        const result = runMethod('chisquare', ref, cur);
        const [stat, p] = py().chisquare.map(toNumber) as [number, number];
        if (Number.isNaN(p)) {
          // A single category: scipy has no degrees of freedom; we report no evidence.
          expect(result.pValue).toBe(1);
          return;
        }
        close(result.statistic, stat);
        close(result.pValue, p);
        close(result.pValue, toNumber(py().chisquare_evidently_p));
      });
      it('z-test p-value equals Evidently', () => {
        close(runMethod('z', ref, cur).pValue, toNumber(py().z_evidently_p));
      });
    });
  });
});
