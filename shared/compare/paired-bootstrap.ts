import type { PreparedBinary } from '../metrics/binary.js';
import { BOOTSTRAP_CHUNK, drawMultiplicities, percentileInterval, type Interval } from '../metrics/bootstrap.js';
import type { Evaluator } from '../metrics/evaluator.js';
import { KERNEL_MAX_STRATUM } from '../metrics/kernels.js';
import { pairedBinaryBootstrap } from '../metrics/parallel.js';
import { chunkSeed, Rng } from '../metrics/rng.js';
import type { MetricValues } from '../metrics/types.js';

/** One model's evaluator over the shared rows, and where each of its positions sits among them. */
export interface PairedModel {
  evaluator: Evaluator;
  /** Row of each position (binary evaluators keep positions in score order); null when positions are rows. */
  rowOfPosition: Uint32Array | null;
  /** A binary model's prepared rows: lets the bootstrap run on worker threads. */
  binary?: PreparedBinary;
}

/** Percentile interval of challenger - champion, and the resamples where both sides were defined. */
export type PairedInterval = Interval;

export interface PairedBootstrapOptions {
  resamples: number;
  seed: number;
  confidence: number;
  /** Row strata (e.g. rows of each class), so every resample keeps the class counts. */
  strata: Uint32Array[];
  rows: number;
  /** Worker threads for two binary models; default the machine's parallelism. */
  threads?: number;
  /** Row-draws below which the binary kernel runs in this thread (tests lower it). */
  minParallelWork?: number;
}

function positionMultiplicity(rowMult: Uint32Array, model: PairedModel, into: Uint32Array): Uint32Array {
  if (!model.rowOfPosition) return rowMult;
  const map = model.rowOfPosition;
  for (let position = 0; position < map.length; position++) into[position] = rowMult[map[position]!]!;
  return into;
}

/** Both models' metrics on each resample, in this thread, for any task. */
function evaluateHere(champion: PairedModel, challenger: PairedModel, options: PairedBootstrapOptions): [MetricValues, MetricValues][] {
  let rng = new Rng(chunkSeed(options.seed, 0));
  const rowMult = new Uint32Array(options.rows);
  const championMult = new Uint32Array(options.rows);
  const challengerMult = new Uint32Array(options.rows);
  const out: [MetricValues, MetricValues][] = [];
  for (let resample = 0; resample < options.resamples; resample++) {
    if (resample % BOOTSTRAP_CHUNK === 0) rng = new Rng(chunkSeed(options.seed, resample));
    drawMultiplicities(rng, options.strata, rowMult);
    out.push([
      champion.evaluator.evaluate(positionMultiplicity(rowMult, champion, championMult)),
      challenger.evaluator.evaluate(positionMultiplicity(rowMult, challenger, challengerMult)),
    ]);
  }
  return out;
}

function onWorkers(champion: PairedModel, challenger: PairedModel, options: PairedBootstrapOptions): Promise<[MetricValues, MetricValues][]> | null {
  const [a, b] = [champion.binary, challenger.binary];
  if (!a || !b || a.bins !== b.bins || options.strata.some((stratum) => stratum.length >= KERNEL_MAX_STRATUM)) return null;
  const model = (p: PreparedBinary) => ({ n: p.n, y: p.y, weight: p.weight, groupStart: p.groupStart, pred: p.pred, score: p.score, logLoss: p.logLoss, brier: p.brier, bin: p.bin, bins: p.bins, rowOfPosition: p.order });
  return pairedBinaryBootstrap({ rows: options.rows, strata: options.strata, models: [model(a), model(b)] }, [a.probabilities, b.probabilities], {
    resamples: options.resamples,
    seed: options.seed,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.minParallelWork !== undefined ? { minParallelWork: options.minParallelWork } : {}),
  });
}

/**
 * The paired bootstrap of the change in each metric: every resample draws one multiset of rows and
 * scores both models on it, so the interval reflects the difference on the same rows, not two
 * independent intervals. Resamples come in seeded chunks (as evaluate's bootstrap), so two binary
 * models run on worker threads with the same numbers as here. A resample where a metric is
 * undefined on either side is left out and counted.
 */
export async function pairedBootstrap(champion: PairedModel, challenger: PairedModel, metrics: readonly string[], options: PairedBootstrapOptions): Promise<Map<string, PairedInterval>> {
  const evaluated = (await onWorkers(champion, challenger, options)) ?? evaluateHere(champion, challenger, options);
  const deltas = new Map(metrics.map((name) => [name, new Float64Array(options.resamples)]));
  evaluated.forEach(([before, after], resample) => {
    for (const name of metrics) {
      const a = before[name]?.value;
      const b = after[name]?.value;
      deltas.get(name)![resample] = a === null || a === undefined || b === null || b === undefined ? Number.NaN : b - a;
    }
  });
  return new Map(metrics.map((name) => [name, percentileInterval(deltas.get(name)!, options.confidence)]));
}
