import { drawMultiplicities, percentileInterval, type Interval } from '../metrics/bootstrap.js';
import type { Evaluator } from '../metrics/evaluator.js';
import { Rng } from '../metrics/rng.js';

/** One model's evaluator over the shared rows, and where each of its positions sits among them. */
export interface PairedModel {
  evaluator: Evaluator;
  /** Row of each position (binary evaluators keep positions in score order); null when positions are rows. */
  rowOfPosition: Uint32Array | null;
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
}

function positionMultiplicity(rowMult: Uint32Array, model: PairedModel, into: Uint32Array): Uint32Array {
  if (!model.rowOfPosition) return rowMult;
  const map = model.rowOfPosition;
  for (let position = 0; position < map.length; position++) into[position] = rowMult[map[position]!]!;
  return into;
}

/**
 * The paired bootstrap of the change in each metric: every resample draws one multiset of rows and
 * scores both models on it, so the interval reflects the difference on the same rows, not two
 * independent intervals. A resample where a metric is undefined on either side is left out and
 * counted.
 */
export function pairedBootstrap(champion: PairedModel, challenger: PairedModel, metrics: readonly string[], options: PairedBootstrapOptions): Map<string, PairedInterval> {
  const rng = new Rng(options.seed);
  const rowMult = new Uint32Array(options.rows);
  const championMult = new Uint32Array(options.rows);
  const challengerMult = new Uint32Array(options.rows);
  const deltas = new Map(metrics.map((name) => [name, new Float64Array(options.resamples)]));
  for (let resample = 0; resample < options.resamples; resample++) {
    drawMultiplicities(rng, options.strata, rowMult);
    const before = champion.evaluator.evaluate(positionMultiplicity(rowMult, champion, championMult));
    const after = challenger.evaluator.evaluate(positionMultiplicity(rowMult, challenger, challengerMult));
    for (const name of metrics) {
      const a = before[name]?.value;
      const b = after[name]?.value;
      deltas.get(name)![resample] = a === null || a === undefined || b === null || b === undefined ? Number.NaN : b - a;
    }
  }
  return new Map(metrics.map((name) => [name, percentileInterval(deltas.get(name)!, options.confidence)]));
}
