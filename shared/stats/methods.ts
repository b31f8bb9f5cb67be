/**
 * Drift methods. Each takes the reference and current distributions of one column and returns a
 * statistic, a p-value (tests only) and whether it crosses the threshold. Definitions and
 * threshold directions follow Evidently (ks, wasserstein, psi, chisquare, z, jensenshannon) and
 * TFDV (linf, jsd); `psi-deciles` is the industry PSI.
 */
import { decileBins, evidentlyBins, perValueBins, type Binned } from './binning.js';
import { unionDistinct, type Distribution, type NumericDistribution } from './distribution.js';
import { kolmogornSf } from './kolmogorov.js';
import { KS_MAX_EXACT_N, outerProbInside, probOutsideSquare, roundHalfEven } from './ks.js';
import { chi2Sf, normalSf } from './special.js';

export const DRIFT_METHODS = ['ks', 'wasserstein', 'psi', 'psi-deciles', 'chisquare', 'z', 'jensenshannon', 'linf', 'jsd'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];

/** How the statistic is compared with the threshold to call drift. */
export type Direction = 'p<=' | 'p<' | 'stat>=' | 'stat>';

export interface MethodInfo {
  kind: 'test' | 'distance';
  direction: Direction;
  defaultThreshold: number;
  numeric: boolean;
  categorical: boolean;
  title: string;
}

export const METHOD_INFO: Record<DriftMethod, MethodInfo> = {
  ks: { kind: 'test', direction: 'p<=', defaultThreshold: 0.05, numeric: true, categorical: false, title: 'Kolmogorov-Smirnov' },
  chisquare: { kind: 'test', direction: 'p<', defaultThreshold: 0.05, numeric: true, categorical: true, title: 'chi-square' },
  z: { kind: 'test', direction: 'p<', defaultThreshold: 0.05, numeric: true, categorical: true, title: 'Z-test (proportions)' },
  wasserstein: { kind: 'distance', direction: 'stat>=', defaultThreshold: 0.1, numeric: true, categorical: false, title: 'Wasserstein (normed)' },
  psi: { kind: 'distance', direction: 'stat>=', defaultThreshold: 0.1, numeric: true, categorical: true, title: 'PSI' },
  'psi-deciles': { kind: 'distance', direction: 'stat>=', defaultThreshold: 0.1, numeric: true, categorical: true, title: 'PSI (reference deciles)' },
  jensenshannon: { kind: 'distance', direction: 'stat>=', defaultThreshold: 0.1, numeric: true, categorical: true, title: 'Jensen-Shannon distance' },
  linf: { kind: 'distance', direction: 'stat>', defaultThreshold: 0.1, numeric: true, categorical: true, title: 'L-infinity (TFDV)' },
  jsd: { kind: 'distance', direction: 'stat>', defaultThreshold: 0.1, numeric: true, categorical: true, title: 'JS divergence, base 2 (TFDV)' },
};

export interface MethodResult {
  statistic: number;
  pValue: number | null;
  /** The bins the statistic was computed on, for charts (absent for ks/wasserstein). */
  binned?: Binned;
  /** ks: 'exact' or 'asymp' p-value. */
  pMethod?: 'exact' | 'asymp';
}

export function isDrifted(method: DriftMethod, result: Pick<MethodResult, 'statistic' | 'pValue'>, threshold: number): boolean {
  const { direction } = METHOD_INFO[method];
  const p = result.pValue ?? Number.NaN;
  if (direction === 'p<=') return p <= threshold;
  if (direction === 'p<') return p < threshold;
  if (direction === 'stat>=') return result.statistic >= threshold;
  return result.statistic > threshold;
}

/** Evidently's default choice (legacy _get_default_stattest), on NaN-free data. */
export function autoMethod(ref: Distribution, cur: Distribution): DriftMethod {
  const nValues = unionDistinct(ref, cur, 5);
  if (ref.n <= 1000) {
    if (ref.kind === 'numeric' && nValues > 5) return 'ks';
    return nValues > 2 ? 'chisquare' : 'z';
  }
  if (ref.kind === 'numeric' && nValues > 5) return 'wasserstein';
  return 'jensenshannon';
}

/**
 * Walks both sorted (weighted) samples over their distinct values x_1 < x_2 < ...; at each x_t
 * (after every value <= x_t) F_ref = wa / n_ref and F_cur = wb / n_cur, as searchsorted 'right'.
 * mode 'ks' returns [max(F_ref - F_cur), min(F_ref - F_cur)]; 'w1' returns [sum |F_ref - F_cur| (x_t+1 - x_t), 0].
 */
function walkCdfs(a: NumericDistribution, b: NumericDistribution, mode: 'ks' | 'w1'): [number, number] {
  const av = a.values;
  const bv = b.values;
  const aw = a.weights;
  const bw = b.weights;
  const na = av.length;
  const nb = bv.length;
  const an = a.n;
  const bn = b.n;
  let i = 0;
  let j = 0;
  let wa = 0;
  let wb = 0;
  let maxS = -Infinity;
  let minS = Infinity;
  let sum = 0;
  let c = 0;
  while (i < na || j < nb) {
    const ai = i < na ? av[i]! : Infinity;
    const bj = j < nb ? bv[j]! : Infinity;
    const x = ai <= bj ? ai : bj;
    if (aw) while (i < na && av[i]! <= x) wa += aw[i++]!;
    else while (i < na && av[i]! <= x) wa = ++i;
    if (bw) while (j < nb && bv[j]! <= x) wb += bw[j++]!;
    else while (j < nb && bv[j]! <= x) wb = ++j;
    const diff = wa / an - wb / bn;
    if (mode === 'ks') {
      if (diff > maxS) maxS = diff;
      if (diff < minS) minS = diff;
    } else {
      const nextA = i < na ? av[i]! : Infinity;
      const nextB = j < nb ? bv[j]! : Infinity;
      const next = nextA <= nextB ? nextA : nextB;
      if (next === Infinity) break;
      const v = Math.abs(diff) * (next - x);
      const t = sum + v;
      c += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
    }
  }
  return mode === 'ks' ? [maxS, minS] : [sum + c, 0];
}

/** Two-sided two-sample KS as scipy.stats.ks_2samp(method='auto'). */
export function ksTest(ref: NumericDistribution, cur: NumericDistribution): MethodResult {
  const [maxS, minS] = walkCdfs(ref, cur, 'ks');
  const negMin = Math.min(Math.max(-minS, 0), 1);
  let d = negMin > maxS ? negMin : maxS;
  const n1 = ref.n;
  const n2 = cur.n;
  const exactData = ref.rankError === undefined && cur.rankError === undefined;
  if (exactData && Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    let g = n1;
    for (let b = n2; b; ) [g, b] = [b, g % b];
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, pMethod: 'exact' };
    const prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
    if (Number.isFinite(prob) && prob >= 0 && prob <= 1) return { statistic: d, pValue: prob, pMethod: 'exact' };
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const p = kolmogornSf(roundHalfEven((m * n) / (m + n)), d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), pMethod: 'asymp' };
}

/** W1(ref, cur) / max(std(ref), 0.001), as Evidently's wasserstein_distance_norm. */
export function wassersteinNorm(ref: NumericDistribution, cur: NumericDistribution): MethodResult {
  const [w1] = walkCdfs(ref, cur, 'w1');
  const norm = Math.max(Math.sqrt(ref.variance), 0.001);
  return { statistic: w1 / norm, pValue: null };
}

/** Evidently's zero replacement: min nonzero / 1e6 when that min <= 1e-4, else 1e-4. */
function fillZeroes(p: Float64Array): Float64Array {
  let min = Infinity;
  for (const v of p) if (v !== 0 && v < min) min = v;
  const fill = min <= 0.0001 ? min / 10 ** 6 : 0.0001;
  return p.map((v) => (v === 0 ? fill : v));
}

function proportions(counts: Float64Array, n: number): Float64Array {
  return counts.map((c) => c / n);
}

function psiOf(r: Float64Array, c: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += (r[i]! - c[i]!) * Math.log(r[i]! / c[i]!);
  return sum;
}

export function psiEvidently(ref: Distribution, cur: Distribution): MethodResult {
  const binned = evidentlyBins(ref, cur);
  const r = fillZeroes(proportions(binned.ref, binned.nRef));
  const c = fillZeroes(proportions(binned.cur, binned.nCur));
  return { statistic: psiOf(r, c), pValue: null, binned };
}

/** Industry PSI: reference-decile bins, proportions floored at 1e-4. */
export const PSI_EPSILON = 1e-4;
export function psiDeciles(ref: Distribution, cur: Distribution): MethodResult {
  const binned = decileBins(ref, cur);
  const r = proportions(binned.ref, binned.nRef).map((v) => Math.max(v, PSI_EPSILON));
  const c = proportions(binned.cur, binned.nCur).map((v) => Math.max(v, PSI_EPSILON));
  return { statistic: psiOf(r, c), pValue: null, binned };
}

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** scipy.spatial.distance.jensenshannon(p, q, base)^2 * 2 * log(base): the raw JS sum. */
function jsSum(pRaw: Float64Array, qRaw: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (const v of pRaw) sp += v;
  for (const v of qRaw) sq += v;
  let left = 0;
  let right = 0;
  for (let i = 0; i < pRaw.length; i++) {
    const p = pRaw[i]! / sp;
    const q = qRaw[i]! / sq;
    const m = (p + q) / 2;
    left += relEntr(p, m);
    right += relEntr(q, m);
  }
  return left + right;
}

/** Evidently's jensenshannon: scipy's distance (natural log) over Evidently's bins, no zero fill. */
export function jensenShannon(ref: Distribution, cur: Distribution): MethodResult {
  const binned = evidentlyBins(ref, cur);
  const js = jsSum(proportions(binned.ref, binned.nRef), proportions(binned.cur, binned.nCur));
  return { statistic: Math.sqrt(js / 2), pValue: null, binned };
}

/** TFDV's approximate JS divergence (base 2, not the square root). */
export function jsDivergenceBase2(ref: Distribution, cur: Distribution): MethodResult {
  const binned = evidentlyBins(ref, cur);
  const js = jsSum(proportions(binned.ref, binned.nRef), proportions(binned.cur, binned.nCur));
  return { statistic: js / Math.LN2 / 2, pValue: null, binned };
}

/** TFDV's L-infinity distance between the normalized frequency vectors. */
export function lInfinity(ref: Distribution, cur: Distribution): MethodResult {
  const binned = evidentlyBins(ref, cur);
  let max = 0;
  for (let i = 0; i < binned.ref.length; i++) max = Math.max(max, Math.abs(binned.ref[i]! / binned.nRef - binned.cur[i]! / binned.nCur));
  return { statistic: max, pValue: null, binned };
}

/**
 * Evidently's chi-square: expected = reference counts scaled to the current size, p from
 * chi2.sf(stat, k - 1). A category absent from the reference makes the statistic infinite
 * (p = 0) as scipy; with a single category scipy's p is NaN and we report p = 1 (no evidence).
 */
export function chiSquare(ref: Distribution, cur: Distribution): MethodResult {
  const binned = perValueBins(ref, cur);
  const k = binned.ref.length;
  const scale = binned.nCur / binned.nRef;
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const expected = binned.ref[i]! * scale;
    const diff = binned.cur[i]! - expected;
    stat += expected === 0 ? (diff === 0 ? Number.NaN : Infinity) : (diff * diff) / expected;
  }
  if (k < 2) return { statistic: 0, pValue: 1, binned };
  return { statistic: stat, pValue: stat === Infinity ? 0 : chi2Sf(stat, k - 1), binned };
}

function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Evidently's pooled two-proportion Z-test: the smallest value against all others. */
export function zTest(ref: Distribution, cur: Distribution): MethodResult {
  const binned = perValueBins(ref, cur);
  const refKeys = binned.ref.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
  const curKeys = binned.cur.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
  if (binned.labels.length === 1 && refKeys === 1 && curKeys === 1) return { statistic: 0, pValue: 1, binned };
  const keys: Array<string | number> =
    ref.kind === 'numeric' ? binned.labels.map(Number) : binned.labels;
  let first = 0;
  for (let i = 1; i < keys.length; i++) if (compareKeys(keys[i]!, keys[first]!) < 0) first = i;
  const n1 = binned.nRef;
  const n2 = binned.nCur;
  const p1 = (n1 - binned.ref[first]!) / n1;
  const p2 = (n2 - binned.cur[first]!) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * normalSf(Math.abs(z)), binned };
}

export function runMethod(method: DriftMethod, ref: Distribution, cur: Distribution): MethodResult {
  switch (method) {
    case 'ks':
      return ksTest(ref as NumericDistribution, cur as NumericDistribution);
    case 'wasserstein':
      return wassersteinNorm(ref as NumericDistribution, cur as NumericDistribution);
    case 'psi':
      return psiEvidently(ref, cur);
    case 'psi-deciles':
      return psiDeciles(ref, cur);
    case 'chisquare':
      return chiSquare(ref, cur);
    case 'z':
      return zTest(ref, cur);
    case 'jensenshannon':
      return jensenShannon(ref, cur);
    case 'linf':
      return lInfinity(ref, cur);
    case 'jsd':
      return jsDivergenceBase2(ref, cur);
  }
}
