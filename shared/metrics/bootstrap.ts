import { chunkSeed, Rng } from './rng.js';
import type { MetricValues, Multiplicity } from './types.js';

/** Resamples per independent random stream (see chunkSeed). */
export const BOOTSTRAP_CHUNK = 50;

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Two-sided confidence level, default 0.95. */
  confidence?: number;
  /** Stop early when aborted. */
  signal?: AbortSignal;
}

export interface Interval {
  ci: [number, number] | null;
  /** Resamples where the metric was defined (undefined draws, e.g. one class only, are left out). */
  resamples: number;
}

/**
 * Percentile bootstrap. Each resample draws, within every stratum (the true classes for
 * classification, all rows for regression), as many rows as the stratum has, with replacement;
 * the draw is kept as a multiplicity per row so metrics never copy or re-sort the data.
 */
export function bootstrap(
  size: number,
  strata: Uint32Array[],
  evaluate: (mult: Multiplicity) => MetricValues,
  options: BootstrapOptions,
): Record<string, Interval> {
  const { resamples, seed } = options;
  const confidence = options.confidence ?? 0.95;
  let rng = new Rng(chunkSeed(seed, 0));
  const mult = new Uint32Array(size);
  const scratch = new Uint32Array(Math.max(0, ...strata.map((s) => s.length)));
  const samples = new Map<string, Float64Array>();
  const counts = new Map<string, number>();
  for (let b = 0; b < resamples; b++) {
    if (options.signal?.aborted) break;
    if (b % BOOTSTRAP_CHUNK === 0) rng = new Rng(chunkSeed(seed, b));
    drawMultiplicities(rng, strata, mult, scratch);
    const values = evaluate(mult);
    for (const [name, metric] of Object.entries(values)) {
      let column = samples.get(name);
      if (!column) {
        column = new Float64Array(resamples);
        samples.set(name, column);
        counts.set(name, 0);
      }
      if (metric.value !== null && Number.isFinite(metric.value)) {
        const at = counts.get(name)!;
        column[at] = metric.value;
        counts.set(name, at + 1);
      }
    }
  }
  const out: Record<string, Interval> = {};
  for (const [name, column] of samples) out[name] = percentileInterval(column.subarray(0, counts.get(name)!), confidence);
  return out;
}

/** The percentile interval of the finite values (NaN marks an undefined resample). */
export function percentileInterval(values: Float64Array, confidence: number): Interval {
  const valid = values.filter((v) => Number.isFinite(v)).sort();
  const alpha = (1 - confidence) / 2;
  return { ci: valid.length === 0 ? null : [quantile(valid, alpha), quantile(valid, 1 - alpha)], resamples: valid.length };
}

export function drawMultiplicities(rng: Rng, strata: Uint32Array[], mult: Uint32Array, scratch?: Uint32Array): void {
  mult.fill(0);
  for (const stratum of strata) {
    const size = stratum.length;
    // Count draws in a stratum-local array, then scatter in position order: random increments
    // into a small array plus one sequential pass are many times faster at 1M rows than random
    // increments through the stratum's index (cache and TLB misses).
    const local = scratch && scratch.length >= size ? scratch.subarray(0, size) : new Uint32Array(size);
    local.fill(0);
    for (let j = 0; j < size; j++) local[rng.nextInt(size)]!++;
    for (let j = 0; j < size; j++) mult[stratum[j]!] = local[j]!;
  }
}

/** numpy.quantile's default ('linear') on sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
