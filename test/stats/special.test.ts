import { describe, expect, it } from 'vitest';
import { kolmogornSf, smirnovSf } from '../../shared/stats/kolmogorov.js';
import { ks2SampSorted, roundHalfEven } from '../../shared/stats/ks.js';
import { chi2Sf, erfc, gammaP, gammaQ, logGamma, normalCdf, normalSf } from '../../shared/stats/special.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';
import { normal, rng } from './generate.js';

/** Relative 1e-9 (with an absolute floor for values that cross zero, like log-gamma near 1 and 2). */
function close(actual: number, expected: number, label: string, absolute = 1e-300): void {
  if (Number.isNaN(expected)) {
    expect(actual, label).toBeNaN();
    return;
  }
  const diff = Math.abs(actual - expected);
  const ok = diff <= 1e-9 * Math.abs(expected) || diff <= absolute;
  expect(ok, `${label}: actual ${actual} expected ${expected}`).toBe(true);
}

const available = hasPythonModule('scipy');

describe.skipIf(!available)('special functions agree with scipy (relative 1e-9)', () => {
  // Grid over every branch of kstwo.sf: Ruben-Gambino, Durbin matrix, Pomeranz, Pelz-Good, 2*smirnov, n > 140, n > 1e5, n > 1e6.
  const ns = [1, 2, 5, 10, 37, 100, 140, 141, 500, 1000, 5000, 50_000, 100_000, 100_001, 400_000, 1_000_000, 1_500_000];
  const kolmogorovGrid: Array<[number, number]> = [];
  for (const n of ns) {
    for (const z of [0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2, 3, 5, 8]) {
      const x = Math.min(z / Math.sqrt(n), 0.999);
      kolmogorovGrid.push([n, x]);
    }
    for (const x of [0.4 / n, 0.7 / n, 1.5 / n, 0.3, 0.55, 0.9]) if (x < 1) kolmogorovGrid.push([n, x]);
  }
  const chiGrid: Array<[number, number]> = [];
  for (const df of [1, 2, 3, 5, 10, 29, 100, 999, 5000]) for (const f of [0.01, 0.2, 0.8, 1, 1.3, 2, 5]) chiGrid.push([df * f, df]);
  const zs = [-8, -3, -1.96, -0.5, 0, 0.1, 1, 1.96, 3, 5, 8, 12, 20, 37];
  const gammaGrid: Array<[number, number]> = [];
  for (const a of [0.1, 0.5, 1, 2.5, 10, 50, 300]) for (const x of [0.01, 0.5, 1, 3, 10, 60, 400]) gammaGrid.push([a, x]);

  const py = available
    ? runPythonJson<{ kstwo: number[]; smirnov: number[]; chi2: number[]; norm: [number[], number[]]; erfc: number[]; gammainc: number[]; gammaincc: number[]; gammaln: number[] }>(
        `
import json, sys
from scipy import stats, special
d = json.load(sys.stdin)
out = {
  'kstwo': [float(stats.kstwo.sf(x, n)) for n, x in d['k']],
  'smirnov': [float(special.smirnov(n, x)) for n, x in d['k']],
  'chi2': [float(stats.chi2.sf(x, df)) for x, df in d['c']],
  'norm': [[float(stats.norm.sf(z)) for z in d['z']], [float(stats.norm.cdf(z)) for z in d['z']]],
  'erfc': [float(special.erfc(z)) for z in d['z']],
  'gammainc': [float(special.gammainc(a, x)) for a, x in d['g']],
  'gammaincc': [float(special.gammaincc(a, x)) for a, x in d['g']],
  'gammaln': [float(special.gammaln(a)) for a, x in d['g']],
}
print(json.dumps(out))
`,
        { k: kolmogorovGrid, c: chiGrid, z: zs, g: gammaGrid },
      )
    : undefined;

  it('kstwo.sf over every algorithm branch', () => {
    kolmogorovGrid.forEach(([n, x], i) => close(kolmogornSf(n, x), py!.kstwo[i]!, `kstwo.sf(${x}, ${n})`));
  });
  it('smirnov (one-sided)', () => {
    kolmogorovGrid.forEach(([n, x], i) => close(smirnovSf(n, x), py!.smirnov[i]!, `smirnov(${n}, ${x})`));
  });
  it('chi2.sf', () => {
    chiGrid.forEach(([x, df], i) => close(chi2Sf(x, df), py!.chi2[i]!, `chi2.sf(${x}, ${df})`));
  });
  it('norm.sf, norm.cdf and erfc, including far tails', () => {
    zs.forEach((z, i) => {
      close(normalSf(z), py!.norm[0][i]!, `norm.sf(${z})`);
      close(normalCdf(z), py!.norm[1][i]!, `norm.cdf(${z})`);
      close(erfc(z), py!.erfc[i]!, `erfc(${z})`);
    });
  });
  it('regularized incomplete gamma and log-gamma', () => {
    gammaGrid.forEach(([a, x], i) => {
      close(gammaP(a, x), py!.gammainc[i]!, `gammainc(${a}, ${x})`);
      close(gammaQ(a, x), py!.gammaincc[i]!, `gammaincc(${a}, ${x})`);
      close(logGamma(a), py!.gammaln[i]!, `gammaln(${a})`, 1e-14);
    });
  });

  it('exact and asymptotic two-sample KS p-values across sizes (exact up to max(n1, n2) = 10000)', () => {
    const r = rng(42);
    const sizes: Array<[number, number]> = [[1, 1], [3, 7], [10, 10], [50, 37], [100, 100], [999, 1000], [2500, 750], [10_000, 9_999], [10_000, 10_000], [10_001, 500], [20_000, 30], [25_000, 25_000]];
    const samples = sizes.map(([a, b]) => [normal(r, a).sort((x, y) => x - y), normal(r, b, 0.05).sort((x, y) => x - y)] as const);
    const expected = runPythonJson<Array<[number, number]>>(
      `
import json, sys
from scipy import stats
d = json.load(sys.stdin)
print(json.dumps([[float(v) for v in stats.ks_2samp(a, b)[:2]] for a, b in d]))
`,
      samples,
    );
    samples.forEach(([a, b], i) => {
      const got = ks2SampSorted(a, b);
      close(got.statistic, expected[i]![0], `D ${sizes[i]}`);
      close(got.pValue, expected[i]![1], `p ${sizes[i]}`);
      expect(got.method).toBe(Math.max(a.length, b.length) <= 10_000 ? 'exact' : 'asymp');
    });
  });
});

describe('numpy rounding', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [-0.5, -0],
    [3.2, 3],
  ])('round(%d) = %d (half to even)', (x, expected) => {
    expect(roundHalfEven(x)).toBe(expected);
  });
});
