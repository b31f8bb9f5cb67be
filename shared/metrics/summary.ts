import { bootstrap, type Interval } from './bootstrap.js';
import type { Evaluator } from './evaluator.js';

/** One metric as the evaluate step reports it. */
export interface MetricResult {
  value: number | null;
  /** Percentile bootstrap interval; null when the bootstrap is off or the metric is undefined. */
  ci: [number, number] | null;
  /** Rows the value was computed on. */
  n: number;
  reason?: string;
  note?: string;
}

export interface SummaryOptions {
  bootstrap: number;
  seed: number;
  confidence: number;
  /** Metrics to keep; all when absent. */
  only?: ReadonlySet<string>;
  signal?: AbortSignal;
}

/** The point estimate of every metric, with bootstrap intervals when asked. */
export async function summarize(evaluator: Evaluator, options: SummaryOptions): Promise<Record<string, MetricResult>> {
  const point = evaluator.evaluate(null);
  const settings = { resamples: options.bootstrap, seed: options.seed, confidence: options.confidence };
  let intervals: Record<string, Interval> = {};
  if (options.bootstrap > 0 && evaluator.size > 0) {
    intervals = evaluator.fastBootstrap
      ? await evaluator.fastBootstrap(settings)
      : bootstrap(evaluator.size, evaluator.strata, evaluator.evaluate, { ...settings, ...(options.signal ? { signal: options.signal } : {}) });
  }
  const out: Record<string, MetricResult> = {};
  for (const [name, metric] of Object.entries(point)) {
    if (options.only && !options.only.has(name)) continue;
    const interval = intervals[name];
    out[name] = {
      value: metric.value,
      ci: metric.value === null ? null : (interval?.ci ?? null),
      n: evaluator.size,
      ...(metric.reason ? { reason: metric.reason } : {}),
      ...(metric.note ? { note: metric.note } : {}),
    };
    if (metric.value !== null && interval && interval.resamples < options.bootstrap) {
      const dropped = options.bootstrap - interval.resamples;
      const note = `${dropped} of ${options.bootstrap} resamples left this metric undefined and were left out of the interval`;
      out[name]!.note = out[name]!.note ? `${out[name]!.note}; ${note}` : note;
    }
  }
  return out;
}
