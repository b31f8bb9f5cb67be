import type { AnalysisDeps, AnalysisMetric, AnalysisOutcome, AnalysisSpec, GateCheck, Measurement, RunAnalysis } from '../types.js';
import { comparisonBound, formatValue, thresholdBound } from './format.js';
import { judgeComparison, judgeThreshold, providerError, type Judged } from './measure.js';
import { PrometheusClient, prometheusToken, type QueryResult } from './prometheus.js';

function queriesOf(metric: AnalysisMetric): string[] {
  return 'query' in metric ? [metric.query] : [metric.compare.canary, metric.compare.baseline];
}

function boundOf(metric: AnalysisMetric): string {
  return 'query' in metric ? thresholdBound(metric) : comparisonBound(metric);
}

async function measure(client: PrometheusClient, metric: AnalysisMetric, at: number): Promise<Judged> {
  const run = (query: string): Promise<QueryResult | { error: string }> => client.query(query, at).catch((error: unknown) => ({ error: providerError(error) }));
  if ('query' in metric) return judgeThreshold(metric, await run(metric.query));
  const [canary, baseline] = await Promise.all([run(metric.compare.canary), run(metric.compare.baseline)]);
  return judgeComparison(metric, canary, baseline);
}

interface Tally {
  metric: AnalysisMetric;
  measurements: Measurement[];
  failed: number;
}

/** A metric passes only when all `count` measurements were taken, at most `failure-limit` failed and at least one passed. */
function checkOf(tally: Tally, spec: AnalysisSpec, stopped: string | undefined): GateCheck {
  const { metric, measurements, failed } = tally;
  const measured = measurements.length;
  const limit = spec['failure-limit'];
  const complete = measured === spec.count;
  const passed = complete && failed <= limit && failed < measured;
  const lastFailure = measurements.filter((measurement) => !measurement.passed).at(-1);
  const values = measurements.map((measurement) => measurement.value);
  const shown = values.filter((value): value is number => value !== null);
  let detail = `${metric.name}: ${failed} of ${measured} measurements failed (limit ${limit})`;
  if (!complete) detail += `; only ${measured} of ${spec.count} taken: ${stopped ?? 'the analysis stopped'}`;
  if (lastFailure) detail += `; at ${lastFailure.index}/${spec.count}: ${lastFailure.error ?? `${formatValue(lastFailure.value!)} ${lastFailure.bound}`}`;
  else if (shown.length) detail += `; values ${formatValue(Math.min(...shown))} to ${formatValue(Math.max(...shown))}, ${boundOf(metric)}`;
  return {
    name: `analysis:${metric.name}`,
    passed,
    detail,
    data: {
      queries: queriesOf(metric),
      bound: boundOf(metric),
      count: spec.count,
      measured,
      failed,
      failureLimit: limit,
      values,
      ...('compare' in metric ? { baselines: measurements.map((measurement) => measurement.baseline ?? null), pValues: measurements.map((measurement) => measurement.pValue ?? null) } : {}),
      errors: [...new Set(measurements.flatMap((measurement) => (measurement.error ? [measurement.error] : [])))],
    },
  };
}

function outcomeOf(tallies: Tally[], spec: AnalysisSpec, stopped: string | undefined): AnalysisOutcome {
  const checks = tallies.map((tally) => checkOf(tally, spec, stopped));
  const passed = checks.every((check) => check.passed);
  // The metric that broke its failure limit explains the decision; the ones cut short by it follow.
  const exceeded = tallies.findIndex((tally) => tally.failed > spec['failure-limit']);
  const first = exceeded >= 0 ? checks[exceeded] : checks.find((check) => !check.passed);
  const reason = passed
    ? `${checks.length} metric${checks.length === 1 ? '' : 's'} passed: ${spec.count} measurements each, at most ${spec['failure-limit']} failed`
    : (first?.detail ?? 'the analysis failed');
  return { passed, reason, measurements: tallies.flatMap((tally) => tally.measurements).sort((a, b) => a.index - b.index), checks };
}

/**
 * The live analysis of a stage: waits `initial-delay`, then measures every metric `count` times,
 * `interval` apart (rounds are scheduled from the start, so a slow query does not push the later
 * ones back), each instant query evaluated at the round's time so the audit record can replay it.
 * Fails closed: an empty result, several series for a threshold, NaN, ±Inf or any provider error
 * is a failed measurement; more than `failure-limit` failed measurements fail the metric and end
 * the analysis at once (the alias should move back now, not after the remaining rounds). It never
 * throws: a cancelled or unconfigured analysis is a failed one.
 */
export const runAnalysis: RunAnalysis = async (spec: AnalysisSpec, deps: AnalysisDeps): Promise<AnalysisOutcome> => {
  const tallies: Tally[] = spec.metrics.map((metric) => ({ metric, measurements: [], failed: 0 }));
  const prefix = deps.stage ? `${deps.stage} ` : '';
  let client: PrometheusClient;
  try {
    const token = prometheusToken(spec.prometheus, deps.env);
    if (token) deps.mask?.(token);
    client = new PrometheusClient({
      url: spec.prometheus.url,
      token,
      timeoutMs: spec.prometheus.timeout,
      signal: deps.signal,
      // Retries of one query stay within one interval, on the analysis's own clock.
      http: { sleep: deps.sleep, retry: { attempts: 3, budgetMs: Math.max(1000, spec.interval) } },
    });
  } catch (error) {
    deps.log(`${prefix}analysis not started: ${(error as Error).message}`);
    return outcomeOf(tallies, spec, `not started: ${(error as Error).message}`);
  }
  const start = deps.now();
  let stopped: string | undefined;
  try {
    for (let index = 1; index <= spec.count && stopped === undefined; index++) {
      const wait = start + spec['initial-delay'] + (index - 1) * spec.interval - deps.now();
      if (wait > 0) await deps.sleep(wait, deps.signal);
      const at = deps.now();
      const judged = await Promise.all(tallies.map((tally) => measure(client, tally.metric, at)));
      judged.forEach((result, i) => {
        const tally = tallies[i]!;
        const { metric } = tally;
        tally.measurements.push({
          metric: metric.name,
          index,
          count: spec.count,
          value: result.value,
          ...(result.baseline !== undefined ? { baseline: result.baseline } : {}),
          bound: result.bound,
          passed: result.passed,
          ...(result.error !== undefined ? { error: result.error } : {}),
          queries: queriesOf(metric),
          at: new Date(at).toISOString(),
          ...(result.pValue !== undefined ? { pValue: result.pValue } : {}),
        });
        if (!result.passed) tally.failed++;
        for (const warning of result.warnings) deps.log(`${prefix}${metric.name} ${index}/${spec.count}: Prometheus warns: ${warning}`);
        deps.log(`${prefix}${metric.name} ${index}/${spec.count}: ${result.line}`);
      });
      const broken = tallies.find((tally) => tally.failed > spec['failure-limit']);
      if (broken && index < spec.count) stopped = `stopped after ${broken.metric.name} failed more than ${spec['failure-limit']} of its measurements`;
    }
  } catch (error) {
    // Only the waits throw (the signal aborted them): what was measured stands, the rest did not happen.
    stopped = `cancelled: ${(error as Error).message}`;
    deps.log(`${prefix}analysis ${stopped}`);
  }
  return outcomeOf(tallies, spec, stopped);
};
