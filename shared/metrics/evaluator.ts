import { binaryMetricsFromStats, binaryStats, prepareBinary, rankingMetrics, type BinaryInput, type PreparedBinary } from './binary.js';
import { multiclassMetrics, prepareMulticlass, type MulticlassInput, type PreparedMulticlass } from './multiclass.js';
import { prepareRegression, regressionMetrics, type PreparedRegression, type RegressionInput } from './regression.js';
import type { Interval } from './bootstrap.js';
import { binaryBootstrap, rankingBootstrap } from './parallel.js';
import type { MetricValues, Multiplicity } from './types.js';

/**
 * What the bootstrap needs from a task: a number of positions, strata of positions, and one
 * evaluation given a multiplicity per position. Positions are rows, except for binary, which
 * keeps rows in descending score order (`prepared.order` maps a position to its row).
 */
export interface Evaluator {
  size: number;
  strata: Uint32Array[];
  evaluate(mult: Multiplicity): MetricValues;
  /** The row of each position, when positions are not rows (binary). */
  rowOfPosition?: Uint32Array;
  /** A faster bootstrap giving the same numbers as bootstrap() (binary ranking metrics, on worker threads). */
  fastBootstrap?(options: { resamples: number; seed: number; confidence: number }): Promise<Record<string, Interval>>;
}

const RANKING = new Set(['roc_auc', 'average_precision']);

export interface EvaluatorOptions {
  /** The metrics that will be read; lets binary take a lighter pass when only ranking metrics are. */
  only?: ReadonlySet<string>;
}

export function binaryEvaluator(input: BinaryInput, options: EvaluatorOptions = {}): Evaluator & { prepared: PreparedBinary } {
  const prepared = prepareBinary(input);
  const rankingOnly = options.only !== undefined && options.only.size > 0 && [...options.only].every((name) => RANKING.has(name));
  return {
    prepared,
    size: prepared.n,
    rowOfPosition: prepared.order,
    strata: prepared.strata.filter((s) => s.length > 0),
    evaluate: rankingOnly
      ? (mult) => rankingMetrics(prepared, mult)
      : (mult) => binaryMetricsFromStats(binaryStats(prepared, mult), prepared.probabilities),
    fastBootstrap: (o: { resamples: number; seed: number; confidence: number }) => (rankingOnly ? rankingBootstrap(prepared, o) : binaryBootstrap(prepared, o)),
  };
}

export function multiclassEvaluator(input: MulticlassInput): Evaluator & { prepared: PreparedMulticlass } {
  const prepared = prepareMulticlass(input);
  return { prepared, size: prepared.n, strata: prepared.strata, evaluate: (mult) => multiclassMetrics(prepared, mult) };
}

export function regressionEvaluator(input: RegressionInput): Evaluator & { prepared: PreparedRegression } {
  const prepared = prepareRegression(input);
  return { prepared, size: prepared.n, strata: prepared.strata, evaluate: (mult) => regressionMetrics(prepared, mult) };
}
