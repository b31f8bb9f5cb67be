import { relative } from 'node:path';
import type { Evaluator } from '../metrics/evaluator.js';
import type { PreparedBinary } from '../metrics/binary.js';
import type { PreparedMulticlass } from '../metrics/multiclass.js';
import { makeEvaluator, readPredictions, type Columns } from '../metrics/prediction-file.js';
import { delongTest } from '../stats/delong.js';
import { holmAdjust } from '../stats/holm.js';
import { discordantPairs, mcnemar } from '../stats/mcnemar.js';
import type { ChangeStatistics } from './decide.js';
import { pairedBootstrap } from './paired-bootstrap.js';
import type { Policy } from './policy.js';
import type { Scoring, Side } from './sides.js';

/** Below this many discordant pairs McNemar uses the exact binomial test, as statsmodels recommends. */
const EXACT_MCNEMAR_BELOW = 25;

type WithId = Scoring & { spec: { id: string } };

function usable(scoring: Scoring | undefined): scoring is WithId {
  return scoring !== undefined && scoring.spec.id !== undefined;
}

/** The label of a row as a name, comparable across two files whose class lists may differ. */
function labelName(columns: Columns, row: number): string {
  return columns.classes ? columns.classes[columns.y[row]!]! : String(columns.y[row]);
}

/** 1 where the model's hard prediction of the row (evaluator position order undone) is right. */
function rowsRight(evaluator: Evaluator, task: string): Uint8Array | null {
  if (task === 'regression') return null;
  const prepared = (evaluator as Evaluator & { prepared: PreparedBinary | PreparedMulticlass }).prepared;
  const right = new Uint8Array(prepared.n);
  const order = evaluator.rowOfPosition;
  for (let position = 0; position < prepared.n; position++) right[order ? order[position]! : position] = prepared.pred[position] === prepared.y[position] ? 1 : 0;
  return right;
}

/** Rows of each label (classification), so every resample keeps the class counts; one stratum for regression. */
function labelStrata(columns: Columns, task: string): Uint32Array[] {
  if (task === 'regression') return [Uint32Array.from({ length: columns.rows }, (_, row) => row)];
  const byLabel = new Map<string, number[]>();
  for (let row = 0; row < columns.rows; row++) {
    const label = labelName(columns, row);
    const rows = byLabel.get(label) ?? [];
    rows.push(row);
    byLabel.set(label, rows);
  }
  return [...byLabel.values()].map((rows) => Uint32Array.from(rows));
}

export interface StatisticsOutcome {
  statistics: Map<string, ChangeStatistics>;
  notes: string[];
}

/**
 * Intervals and tests of the change for a paired comparison, for any task evaluate scores: both
 * models' stored predictions are read again, joined by id, and scored on the same bootstrap
 * resamples. Binary roc_auc is also tested with DeLong's test, and accuracy (binary or multiclass)
 * with McNemar's; the p-values of the metrics that ask for significance are Holm-adjusted
 * together. When no statistics can be computed the result says why, so `significance: true`
 * fails closed.
 */
export async function changeStatistics(policy: Policy, challenger: Side, champion: Side, cwd: string, log: (line: string) => void): Promise<StatisticsOutcome> {
  if (!usable(challenger.scoring) || !usable(champion.scoring)) {
    return { statistics: new Map(), notes: ['no intervals: both sides need evaluate evidence with an id column and their stored predictions'] };
  }
  const task = challenger.scoring.spec.task;
  if (champion.scoring.spec.task !== task) {
    return { statistics: new Map(), notes: [`no intervals: the challenger was evaluated as ${task}, the champion as ${champion.scoring.spec.task}`] };
  }
  const read = (scoring: WithId) => readPredictions(scoring.file, relative(cwd, scoring.file) || scoring.file, scoring.spec);
  const [after, before] = await Promise.all([read(challenger.scoring), read(champion.scoring)]);
  const championRow = new Map(before.ids!.map((id, row) => [id, row]));
  const rows = after.ids!.map((id) => championRow.get(id) ?? -1);
  if (after.rows !== before.rows || rows.some((row, index) => row < 0 || labelName(before, row) !== labelName(after, index))) {
    return { statistics: new Map(), notes: ['no intervals: the stored predictions do not hold the same ids and labels on both sides'] };
  }
  const challengerModel = makeEvaluator(task, after, challenger.scoring.options, undefined);
  // The champion's rows in the challenger's order, so row r is the same evaluation row on both sides.
  const championModel = makeEvaluator(task, before, champion.scoring.options, undefined, rows);
  const names = policy.metrics.map((metric) => metric.name);
  log(`paired bootstrap of the change: ${policy.resamples} resamples of ${after.rows} rows, seed ${policy.seed}`);
  const strata = labelStrata(after, task);
  const paired = (evaluator: Evaluator) => ({
    evaluator,
    rowOfPosition: evaluator.rowOfPosition ?? null,
    ...(task === 'binary' ? { binary: (evaluator as Evaluator & { prepared: PreparedBinary }).prepared } : {}),
  });
  const intervals = await pairedBootstrap(
    paired(championModel),
    paired(challengerModel),
    names,
    { resamples: policy.resamples, seed: policy.seed, confidence: 1 - policy.alpha, strata, rows: after.rows },
  );

  const tests = new Map<string, { pValue: number | null; test: string }>();
  if (task === 'binary' && names.includes('roc_auc') && strata.length === 2 && strata.every((stratum) => stratum.length >= 2)) {
    const y = Uint8Array.from(after.y);
    const championScore = Float64Array.from(rows, (row) => before.score![row]!);
    tests.set('roc_auc', { pValue: delongTest(y, championScore, after.score!).pValue, test: 'delong' });
  }
  const championRight = rowsRight(championModel, task);
  const challengerRight = rowsRight(challengerModel, task);
  if (names.includes('accuracy') && championRight && challengerRight) {
    const { b, c } = discordantPairs(new Uint8Array(after.rows).fill(1), championRight, challengerRight);
    const result = mcnemar(b, c, { exact: b + c < EXACT_MCNEMAR_BELOW });
    tests.set('accuracy', { pValue: result.pValue, test: result.test });
  }
  const significant = policy.metrics.filter((metric) => metric.significance && tests.get(metric.name)?.pValue != null).map((metric) => metric.name);
  const adjusted = new Map(holmAdjust(significant.map((name) => tests.get(name)!.pValue!)).map((p, index) => [significant[index]!, p]));

  const statistics = new Map<string, ChangeStatistics>();
  for (const name of names) {
    const ci = intervals.get(name)?.ci;
    if (!ci) continue;
    const test = tests.get(name);
    const holm = adjusted.get(name);
    statistics.set(name, {
      ci,
      pValue: holm ?? test?.pValue ?? null,
      test: `paired-bootstrap${test ? ` + ${test.test}${holm !== undefined ? ' (holm)' : ''}` : ''}`,
    });
  }
  return { statistics, notes: [] };
}
