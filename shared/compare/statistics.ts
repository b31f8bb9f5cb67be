import { relative } from 'node:path';
import { streamColumns } from '../data/index.js';
import { parseBinaryLabel, parseNumber, type CellValue } from '../metrics/columns.js';
import { binaryEvaluator } from '../metrics/evaluator.js';
import { delongTest } from '../stats/delong.js';
import { holmAdjust } from '../stats/holm.js';
import { discordantPairs, mcnemar } from '../stats/mcnemar.js';
import type { ChangeStatistics } from './decide.js';
import { pairedBootstrap } from './paired-bootstrap.js';
import type { Policy } from './policy.js';
import type { Scoring, Side } from './sides.js';

/** Below this many discordant pairs McNemar uses the exact binomial test, as statsmodels recommends. */
const EXACT_MCNEMAR_BELOW = 25;

interface ScoredRows {
  labels: Map<string, 0 | 1>;
  scores: Map<string, number>;
}

async function readScored(scoring: Scoring & { id: string; score: string }, cwd: string): Promise<ScoredRows> {
  const shown = relative(cwd, scoring.file) || scoring.file;
  const labels = new Map<string, 0 | 1>();
  const scores = new Map<string, number>();
  for await (const batch of streamColumns(scoring.file, [...new Set([scoring.id, scoring.label, scoring.score])])) {
    const count = batch.columns[scoring.id]!.length;
    for (let r = 0; r < count; r++) {
      const row = batch.firstRowNumber + r;
      const cell = (column: string) => batch.columns[column]![r] as CellValue;
      const id = String(cell(scoring.id));
      labels.set(id, parseBinaryLabel(cell(scoring.label), { file: shown, column: scoring.label, row }, scoring.posLabel));
      scores.set(id, parseNumber(cell(scoring.score), { file: shown, column: scoring.score, row }, 'numeric scores'));
    }
  }
  return { labels, scores };
}

function usable(scoring: Scoring | undefined): scoring is Scoring & { id: string; score: string } {
  return scoring !== undefined && scoring.task === 'binary' && scoring.id !== undefined && scoring.score !== undefined;
}

export interface StatisticsOutcome {
  statistics: Map<string, ChangeStatistics>;
  notes: string[];
}

/**
 * Intervals and tests of the change for a paired comparison: both models' stored predictions are
 * read again and joined by id, then scored on the same bootstrap resamples. roc_auc is also tested
 * with DeLong's test and accuracy with McNemar's; the p-values of the metrics that ask for
 * significance are Holm-adjusted together. Binary tasks only for now; anything else returns no
 * statistics, so `significance: true` fails closed.
 */
export async function changeStatistics(policy: Policy, challenger: Side, champion: Side, cwd: string, log: (line: string) => void): Promise<StatisticsOutcome> {
  if (!usable(challenger.scoring) || !usable(champion.scoring)) {
    return { statistics: new Map(), notes: ['no intervals: both sides need binary evaluate evidence with id and score columns and their stored predictions'] };
  }
  const [after, before] = await Promise.all([readScored(challenger.scoring, cwd), readScored(champion.scoring, cwd)]);
  const ids = [...after.labels.keys()];
  if (ids.some((id) => !before.scores.has(id) || before.labels.get(id) !== after.labels.get(id))) {
    return { statistics: new Map(), notes: ['no intervals: the stored predictions do not hold the same ids and labels on both sides'] };
  }
  const y = Uint8Array.from(ids, (id) => after.labels.get(id)!);
  const challengerScore = Float64Array.from(ids, (id) => after.scores.get(id)!);
  const championScore = Float64Array.from(ids, (id) => before.scores.get(id)!);
  const model = (score: Float64Array, scoring: Scoring) => {
    const evaluator = binaryEvaluator({ y, score, pred: undefined, weight: null, threshold: scoring.threshold, bins: scoring.bins });
    return { evaluator, rowOfPosition: evaluator.prepared.order };
  };
  const strata = [0, 1].map((label) => Uint32Array.from(ids.keys()).filter((row) => y[row] === label));
  const names = policy.metrics.map((metric) => metric.name);
  log(`paired bootstrap of the change: ${policy.resamples} resamples of ${ids.length} rows, seed ${policy.seed}`);
  const intervals = pairedBootstrap(model(championScore, champion.scoring), model(challengerScore, challenger.scoring), names, { resamples: policy.resamples, seed: policy.seed, confidence: 1 - policy.alpha, strata, rows: ids.length });

  const tests = new Map<string, { pValue: number | null; test: string }>();
  if (names.includes('roc_auc') && strata.every((stratum) => stratum.length >= 2)) {
    tests.set('roc_auc', { pValue: delongTest(y, championScore, challengerScore).pValue, test: 'delong' });
  }
  if (names.includes('accuracy')) {
    const hard = (score: Float64Array, threshold: number) => Uint8Array.from(score, (value) => (value >= threshold ? 1 : 0));
    const { b, c } = discordantPairs(y, hard(championScore, champion.scoring.threshold), hard(challengerScore, challenger.scoring.threshold));
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
