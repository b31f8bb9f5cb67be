import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { closestMatch } from '../text/did-you-mean.js';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { sha256File } from '../files/digest.js';
import { displayPath } from '../files/paths.js';
import { removeAllBut } from '../files/prune.js';
import { binaryConfusion, binaryCurves, binaryStats, expectedCalibrationError, reliabilityCurve } from '../metrics/binary.js';
import type { binaryEvaluator, multiclassEvaluator } from '../metrics/evaluator.js';
import { multiclassConfusion } from '../metrics/multiclass.js';
import { makeEvaluator, readPredictions } from '../metrics/prediction-file.js';
import { summarize } from '../metrics/summary.js';
import { evaluateResult, headlineMetrics, type EvaluateData } from '../metrics/evaluation.js';
import { sliceResults } from '../metrics/slices.js';
import { checkThresholds, parseThresholds } from '../metrics/thresholds.js';
import { LOWER_IS_BETTER, METRICS, type Task } from '../metrics/types.js';
import { evaluationCharts } from '../report/charts/evaluation-charts.js';
import { formatNumber } from '../report/markdown.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { evaluateSection } from '../report/sections/evaluate.js';
import { defineStep } from '../runner/types.js';

const inputs = z.object({
  predictions: z.string().min(1).describe('Per-row predictions file (CSV, JSON Lines or Parquet) with the label and the model output.'),
  task: z.enum(['binary', 'multiclass', 'regression']).describe('binary: --score (probability of the positive class); multiclass: class probability columns and/or --prediction; regression: --prediction.'),
  label: z.string().min(1).describe('Column with the true label (binary: 0/1, true/false or see --pos-label; multiclass: class name; regression: number).'),
  score: z.string().optional().describe('Binary: column with the score or probability of the positive class.'),
  prediction: z.string().optional().describe('Column with the hard prediction: the predicted value (regression) or class (multiclass, binary); default from the scores.'),
  probaPrefix: z.string().optional().describe('Multiclass: prefix of the class probability columns; `p_` reads p_0, p_1, ... and the class is the rest of the name.'),
  probaColumns: z.array(z.string()).default([]).describe('Multiclass: class probability columns, each `column` (the class is its name) or `class=column`.'),
  posLabel: z.string().optional().describe('Binary: the label value of the positive class; every other value is negative. Default: 0/1, true/false, yes/no.'),
  weight: z.string().optional().describe('Column with sample weights (non-negative numbers).'),
  id: z.string().optional().describe('Column with a unique row id, recorded so compare can pair two models row by row.'),
  threshold: z.number().min(0).max(1).default(0.5).describe('Binary: predict positive when score >= threshold.'),
  slice: z.array(z.string()).default([]).describe('Column to slice by; the metrics are computed for each of its values (repeatable).'),
  minSliceSize: z.number().int().min(1).default(30).describe('Slices with fewer rows are reported as too small, without numbers.'),
  bootstrap: z.number().int().min(0).max(100000).default(1000).describe('Bootstrap resamples for the confidence intervals (stratified by class for classification); 0 turns them off.'),
  seed: z.number().int().min(0).default(42).describe('Seed of the bootstrap: the same seed gives the same intervals.'),
  confidence: z.number().gt(0).lt(1).default(0.95).describe('Confidence level of the intervals.'),
  bins: z.number().int().min(2).max(100).default(10).describe('Binary: uniform bins of the calibration curve and the expected calibration error.'),
  metrics: z.array(z.string()).default([]).describe('Metrics to report (scikit-learn names, comma-separated or repeated); default all for the task.'),
  min: z.array(z.string()).default([]).describe('Lower bounds, `metric=value` (e.g. roc_auc=0.8); the step fails when a value is below, or undefined.'),
  max: z.array(z.string()).default([]).describe('Upper bounds for error metrics, `metric=value` (e.g. log_loss=0.5); the step fails when a value is above, or undefined.'),
});

function selectedMetrics(task: Task, requested: string[], thresholdMetrics: string[]): Set<string> | undefined {
  const names = requested.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return undefined;
  const known = METRICS[task];
  for (const name of names) {
    if (!known.includes(name)) {
      const close = closestMatch(name, known);
      throw usageError(`--metrics names unknown metric '${name}' for task ${task}`, { code: 'evaluate-unknown-metric', hint: `${close ? `Did you mean '${close}'? ` : ''}Metrics for ${task}: ${known.join(', ')}.` });
    }
  }
  return new Set([...names, ...thresholdMetrics]);
}

/** Thin a curve to at most `max` points for charts and evidence, keeping the ends. */
function thinCurve(x: number[], y: number[], max = 1000): { x: number[]; y: number[] } {
  if (x.length <= max) return { x, y };
  const ox: number[] = [];
  const oy: number[] = [];
  const stride = (x.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) {
    const j = Math.round(i * stride);
    ox.push(x[j]!);
    oy.push(y[j]!);
  }
  return { x: ox, y: oy };
}

async function copyAtomic(source: string, target: string): Promise<void> {
  await mkdir(join(target, '..'), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await copyFile(source, temp);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function extensionOf(path: string): string {
  const name = basename(path).toLowerCase();
  const match = /(\.(csv|tsv|jsonl|ndjson|json|parquet|txt)(\.gz)?)$/.exec(name);
  return match ? match[1]! : '.data';
}

export const evaluateStep = defineStep({
  name: 'evaluate',
  description: 'Scores per-row predictions with scikit-learn metrics, bootstrap confidence intervals, slices, calibration and charts, and fails below the thresholds.',
  inputs,
  result: evaluateResult,
  outputs: {
    metrics: 'JSON object: metric name -> value (null when undefined).',
    'failed-thresholds': 'How many thresholds failed.',
    predictions: 'Path of the stored copy of the predictions, for compare.',
  },
  async run(options, ctx) {
    const task = options.task as Task;
    const known = METRICS[task];
    const thresholds = [...parseThresholds(options.min, '>=', known), ...parseThresholds(options.max, '<=', known)];
    for (const t of thresholds) {
      const lower = LOWER_IS_BETTER.has(t.metric);
      if (lower === (t.op === '>=')) ctx.platform.warning(`${t.op === '>=' ? '--min' : '--max'} ${t.metric}=${t.threshold}: ${t.metric} is better when ${lower ? 'smaller' : 'larger'}; did you mean ${t.op === '>=' ? '--max' : '--min'}?`);
    }
    const only = selectedMetrics(task, options.metrics, thresholds.map((t) => t.metric));
    const path = resolve(ctx.cwd, options.predictions);
    const display = displayPath(ctx.cwd, path);

    const columns = await ctx.platform.group('Read predictions', () => readPredictions(path, display, options, ctx.signal));
    if (task === 'multiclass' && options.threshold !== 0.5) ctx.platform.warning('--threshold applies to binary tasks only; ignored.');
    const summaryOptions = { bootstrap: options.bootstrap, seed: options.seed, confidence: options.confidence, signal: ctx.signal, ...(only ? { only } : {}) };
    const evaluator = makeEvaluator(task, columns, options, only);
    const metrics = await ctx.platform.group(`Metrics${options.bootstrap ? ` with ${options.bootstrap} bootstrap resamples` : ''}`, () => summarize(evaluator, summaryOptions));

    const slices = await sliceResults(options.slice, { task, columns, scoring: options, only, summary: summaryOptions, minSliceSize: options.minSliceSize, warn: (line) => ctx.platform.warning(line) });

    const thresholdResults = checkThresholds(thresholds, metrics);
    const failed = thresholdResults.filter((t) => !t.passed);

    const dir = join(ctx.outDir, 'evaluate');
    const extra: Partial<EvaluateData> = {};
    let confusion: { labels: string[]; matrix: number[][] } | undefined;
    if (task === 'binary') {
      const b = evaluator as ReturnType<typeof binaryEvaluator>;
      const stats = binaryStats(b.prepared, null);
      const negative = options.posLabel ? `not ${options.posLabel}` : '0';
      const positive = options.posLabel ?? '1';
      confusion = { labels: [negative, positive], matrix: binaryConfusion(stats) };
      extra.threshold = options.threshold;
      extra.prevalence = stats.total > 0 ? (stats.tp + stats.fn) / stats.total : null;
      const ece = b.prepared.probabilities && stats.total > 0 ? expectedCalibrationError(stats.binWeight, stats.binScore, stats.binPositive, stats.total) : null;
      extra.calibration = { bins: options.bins, ece, curve: reliabilityCurve(stats) };
      const curves = binaryCurves(b.prepared);
      const auc = metrics.roc_auc?.value ?? evaluator.evaluate(null).roc_auc!.value;
      if (curves && auc !== null) {
        const roc = thinCurve(curves.roc.fpr, curves.roc.tpr);
        const pr = thinCurve(curves.pr.recall, curves.pr.precision);
        extra.curves = { roc: { fpr: roc.x, tpr: roc.y, auc }, pr: { recall: pr.x, precision: pr.y } };
      }
    } else if (task === 'multiclass') {
      const m = evaluator as ReturnType<typeof multiclassEvaluator>;
      confusion = { labels: m.prepared.classes, matrix: multiclassConfusion(m.prepared) };
      extra.classes = m.prepared.classes;
    }

    // Keep the per-row predictions next to the evidence, by digest, so compare can pair rows.
    const stored = join(dir, `predictions${extensionOf(path)}`);
    await copyAtomic(path, stored);
    const storedDisplay = displayPath(ctx.cwd, stored);
    const data: EvaluateData = {
      task,
      n: columns.rows,
      weighted: Boolean(options.weight),
      metrics,
      ...(confusion ? { confusionMatrix: confusion } : {}),
      ...extra,
      slices,
      thresholds: thresholdResults,
      confidence: options.confidence,
      bootstrap: options.bootstrap > 0
        ? { resamples: options.bootstrap, seed: options.seed, confidence: options.confidence, method: 'percentile', stratified: task !== 'regression' }
        : null,
      predictions: {
        source: display,
        file: storedDisplay,
        sha256: await sha256File(stored),
        rows: columns.rows,
        ...(columns.rowsDigest ? { rowsDigest: columns.rowsDigest } : {}),
        columns: { label: options.label, ...(options.score ? { score: options.score } : {}), ...(options.prediction ? { prediction: options.prediction } : {}), ...(options.weight ? { weight: options.weight } : {}), ...(options.id ? { id: options.id } : {}) },
      },
      charts: {},
    };
    const charts = evaluationCharts(data);
    const chartPaths = charts.map((chart) => join(dir, `${chart.name}.svg`));
    for (const [i, chart] of charts.entries()) {
      await writeFileAtomic(chartPaths[i]!, chart.svg);
      data.charts[chart.name] = displayPath(ctx.cwd, chartPaths[i]!);
    }
    await removeAllBut(dir, [stored, path, ...chartPaths]);

    const shown = headlineMetrics(task).filter((name) => metrics[name]).map((name) => {
      const m = metrics[name]!;
      return `${name} ${m.value === null ? 'undefined' : formatNumber(m.value)}${m.ci ? ` [${formatNumber(m.ci[0])}, ${formatNumber(m.ci[1])}]` : ''}`;
    });
    const summary = `${task} on ${columns.rows} rows: ${shown.join(', ')}${thresholds.length ? `; ${thresholds.length - failed.length}/${thresholds.length} thresholds passed` : ''}`;

    for (const t of failed) ctx.platform.error(`threshold failed: ${t.metric} ${t.op} ${t.threshold}: ${t.value === null ? (t.reason ?? 'undefined') : `got ${t.value}`}`);

    return {
      status: failed.length ? 'failed' : 'passed',
      summary,
      data,
      outputs: {
        metrics: JSON.stringify(Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, v.value]))),
        'failed-thresholds': String(failed.length),
        predictions: storedDisplay,
      },
      markdown: renderMarkdown(evaluateSection(data)),
      files: { inputs: [path], outputs: [stored, ...chartPaths] },
    };
  },
});
