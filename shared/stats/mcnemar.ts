import { chi2Sf, logGamma } from './special.js';

export interface McNemarResult {
  /** exact: min(b, c); chi-square: (|b - c| - 1)^2 / (b + c). */
  statistic: number;
  pValue: number;
  test: 'mcnemar-exact' | 'mcnemar-chi2-corrected';
  /** Rows only the first model got right, and only the second. */
  b: number;
  c: number;
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** P(X <= m) for X ~ Binomial(n, 1/2): the largest term from log-gamma, the rest by the term ratio downwards. */
function binomialHalfCdf(m: number, n: number): number {
  if (m >= n) return 1;
  let term = Math.exp(logChoose(n, m) - n * Math.LN2);
  let sum = term;
  for (let k = m; k > 0 && term > sum * 1e-17; k--) {
    term *= k / (n - k + 1);
    sum += term;
  }
  return sum;
}

/**
 * McNemar's test on the discordant pairs of two classifiers scored on the same rows: `b` rows only
 * the first got right, `c` only the second. Exact is the two-sided binomial test; otherwise the
 * chi-square statistic with continuity correction, as statsmodels' mcnemar computes them. With no
 * discordant pair the models never disagree and p is 1.
 */
export function mcnemar(b: number, c: number, options: { exact: boolean }): McNemarResult {
  const n = b + c;
  if (options.exact) {
    const low = Math.min(b, c);
    return { statistic: low, pValue: n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(low, n)), test: 'mcnemar-exact', b, c };
  }
  if (n === 0) return { statistic: 0, pValue: 1, test: 'mcnemar-chi2-corrected', b, c };
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { statistic, pValue: chi2Sf(statistic, 1), test: 'mcnemar-chi2-corrected', b, c };
}

/** The discordant counts of two models' hard predictions against the truth, row by row. */
export function discordantPairs(truth: ArrayLike<number>, first: ArrayLike<number>, second: ArrayLike<number>): { b: number; c: number } {
  let b = 0;
  let c = 0;
  for (let i = 0; i < truth.length; i++) {
    const firstRight = first[i] === truth[i];
    const secondRight = second[i] === truth[i];
    if (firstRight && !secondRight) b++;
    else if (secondRight && !firstRight) c++;
  }
  return { b, c };
}
