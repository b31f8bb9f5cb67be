import { ModelciError } from '../../errors.js';
import { mannWhitneyU, smallestOneSidedPValue } from '../../stats/mann-whitney.js';
import type { ComparisonMetric, ThresholdMetric } from '../types.js';
import { comparisonBound, formatValue, thresholdBound } from './format.js';
import type { QueryResult } from './prometheus.js';

/** What one metric's measurement found, before it is stamped with its round and time. */
export interface Judged {
  value: number | null;
  baseline?: number | null;
  bound: string;
  passed: boolean;
  error?: string;
  pValue?: number;
  /** The line printed after `<stage> <metric> n/count: `. */
  line: string;
  warnings: string[];
}

/** A provider failure as a measurement's reason: never a value, always a failed measurement. */
export function providerError(error: unknown): string {
  if (error instanceof ModelciError) return error.code === 'prometheus-unreachable' ? `Prometheus unreachable: ${error.message}` : error.message;
  return `query failed: ${error instanceof Error ? error.message : String(error)}`;
}

function nonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN (no data in the window, or 0/0)';
  if (!Number.isFinite(value)) return `${formatValue(value)} (a division by zero, or no requests in the window)`;
  return undefined;
}

function describeSeries(series: { labels: Record<string, string> }[]): string {
  const shown = series.slice(0, 3).map(({ labels }) => `{${Object.entries(labels).map(([name, value]) => `${name}="${value}"`).join(', ')}}`);
  return series.length > 3 ? `${shown.join(' ')} ...` : shown.join(' ');
}

/**
 * The one value a threshold query must give: a scalar, or an instant vector of exactly one series.
 * Anything else is a reason the measurement failed: no series (Argo's `len(result) == 0` that
 * passed), several series (which one would be held to the bound?), a range vector, a string.
 */
export function singleValue(result: QueryResult): { value: number } | { error: string } {
  switch (result.type) {
    case 'scalar':
      return { value: result.value };
    case 'string':
      return { error: 'the query returned a string, not a number' };
    case 'matrix':
      return { error: 'the query returned a range vector; a threshold needs one value per measurement (drop the [range] or aggregate it)' };
    case 'vector': {
      if (result.series.length === 0) return { error: 'empty result: the query matched no series' };
      if (result.series.length > 1) return { error: `${result.series.length} series where a threshold needs one: ${describeSeries(result.series)}; aggregate the query (sum, max, avg)` };
      const value = result.series[0]!.value;
      return value === undefined ? { error: 'a native histogram sample has no single value; use histogram_quantile or histogram_avg' } : { value };
    }
  }
}

export function judgeThreshold(metric: ThresholdMetric, result: QueryResult | { error: string }): Judged {
  const bound = thresholdBound(metric);
  const warnings = 'type' in result ? result.warnings : [];
  const single = 'type' in result ? singleValue(result) : result;
  const error = 'error' in single ? single.error : nonFinite(single.value);
  if (error !== undefined) return { value: null, bound, passed: false, error, line: `no value (${error}), needs ${bound}: fail`, warnings };
  const value = (single as { value: number }).value;
  const passed = (metric.min === undefined || value >= metric.min) && (metric.max === undefined || value <= metric.max);
  return { value, bound, passed, line: `${formatValue(value)} ${bound} ${passed ? 'pass' : 'fail'}`, warnings };
}

/**
 * The samples of a comparison query: each series of an instant vector is one sample (a pod, an
 * instance), each point of a range vector one sample (a subquery such as `...[5m:30s]` gives one
 * per step). Any NaN or Inf sample fails the measurement instead of being dropped, so a side
 * cannot shrink silently to the values that happen to look good.
 */
export function samplesOf(result: QueryResult, side: string): { samples: number[] } | { error: string } {
  let samples: number[];
  switch (result.type) {
    case 'string':
      return { error: `${side}: the query returned a string, not numbers` };
    case 'scalar':
      samples = [result.value];
      break;
    case 'vector':
      if (result.series.some((series) => series.value === undefined)) return { error: `${side}: native histogram samples have no single value` };
      samples = result.series.map((series) => series.value!);
      break;
    case 'matrix':
      samples = result.series.flatMap((series) => series.values);
      break;
  }
  if (samples.length === 0) return { error: `no data: the ${side} query returned no samples` };
  const bad = samples.filter((value) => !Number.isFinite(value));
  if (bad.length) return { error: `${side}: ${bad.length} of ${samples.length} samples are ${[...new Set(bad.map(formatValue))].join('/')}` };
  return { samples };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Side = QueryResult | { error: string };

/**
 * Canary against baseline, as Kayenta's Mann-Whitney classifier judges a metric: a measurement
 * fails when the canary is significantly higher (one-sided test, p < alpha) and its median exceeds
 * the baseline's by more than max-increase (likewise lower and max-decrease). Significance alone
 * would fail on tiny real differences once samples are large; the effect size alone would fail on
 * noise. A side with no data fails, and so do samples too few for the test to ever reach alpha.
 */
export function judgeComparison(metric: ComparisonMetric, canaryResult: Side, baselineResult: Side): Judged {
  const bound = comparisonBound(metric);
  const warnings = [canaryResult, baselineResult].flatMap((result) => ('type' in result ? result.warnings : []));
  const fail = (error: string, value: number | null = null, baseline: number | null = null): Judged => ({
    value, baseline, bound, passed: false, error, line: `${error}, needs ${bound}: fail`, warnings,
  });
  const canary = 'type' in canaryResult ? samplesOf(canaryResult, 'canary') : canaryResult;
  const baseline = 'type' in baselineResult ? samplesOf(baselineResult, 'baseline') : baselineResult;
  if ('error' in canary) return fail(canary.error);
  if ('error' in baseline) return fail(baseline.error);
  const canaryMedian = median(canary.samples);
  const baselineMedian = median(baseline.samples);
  const n = `n ${canary.samples.length}/${baseline.samples.length}`;
  const smallest = smallestOneSidedPValue(canary.samples.length, baseline.samples.length);
  if (smallest > metric.alpha) {
    return fail(`too few samples (${n}): the test cannot reach alpha ${metric.alpha} with them (smallest p ${formatValue(smallest)}); query per-pod series or a subquery such as [5m:30s]`, canaryMedian, baselineMedian);
  }
  const difference = canaryMedian - baselineMedian;
  const pValues: number[] = [];
  let passed = true;
  if (metric['max-increase'] !== undefined) {
    const p = mannWhitneyU(canary.samples, baseline.samples, { alternative: 'greater' }).pValue;
    pValues.push(p);
    if (p < metric.alpha && difference > metric['max-increase']) passed = false;
  }
  if (metric['max-decrease'] !== undefined) {
    const p = mannWhitneyU(canary.samples, baseline.samples, { alternative: 'less' }).pValue;
    pValues.push(p);
    if (p < metric.alpha && -difference > metric['max-decrease']) passed = false;
  }
  const pValue = Math.min(...pValues);
  const signed = `${difference >= 0 ? '+' : ''}${formatValue(difference)}`;
  return {
    value: canaryMedian,
    baseline: baselineMedian,
    bound,
    passed,
    pValue,
    line: `canary ${formatValue(canaryMedian)} vs baseline ${formatValue(baselineMedian)} (${signed}, p ${formatValue(pValue)}, ${n}), ${bound} ${passed ? 'pass' : 'fail'}`,
    warnings,
  };
}
