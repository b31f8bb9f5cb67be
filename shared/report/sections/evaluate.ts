import { evaluationCharts } from '../charts/evaluation-charts.js';
import { headlineMetrics, type EvaluateData, type SliceResult } from '../../metrics/evaluation.js';
import type { MetricResult } from '../../metrics/summary.js';
import type { ThresholdResult } from '../../metrics/thresholds.js';
import { cell, code, paragraph, raw, strong, table, type Block, type Inline } from '../blocks.js';
import { formatNumber } from '../markdown.js';

function valueCell(m: MetricResult): Inline {
  return m.value === null ? [strong(raw('undefined'))] : cell(formatNumber(m.value));
}

function ciText(m: MetricResult): string {
  return m.ci ? `[${formatNumber(m.ci[0])}, ${formatNumber(m.ci[1])}]` : '—';
}

function metricsTable(metrics: Record<string, MetricResult>, confidence: number): Block {
  return table(
    [cell('metric'), cell('value'), cell(`${Math.round(confidence * 100)}% CI`), cell('n'), cell('note')],
    Object.entries(metrics).map(([name, m]) => [[code(name)], valueCell(m), cell(ciText(m)), cell(String(m.n)), [m.reason ?? m.note ?? '']]),
    ['left', 'right', 'right', 'right', 'left'],
  );
}

function thresholdTable(results: ThresholdResult[]): Block {
  return table(
    [cell(''), cell('metric'), cell('bound'), cell('value'), cell('why')],
    results.map((t) => [cell(t.passed ? '✅' : '❌'), [code(t.metric)], cell(`${t.op} ${formatNumber(t.threshold)}`), t.value === null ? [strong(raw('undefined'))] : cell(formatNumber(t.value)), [t.reason ?? '']]),
  );
}

function confusionTable(labels: string[], matrix: number[][]): Block {
  return table(
    [cell('true \\ predicted'), ...labels.map((label) => [label])],
    matrix.map((row, i) => [[labels[i]!], ...row.map((v) => cell(formatNumber(v, 6)))]),
    ['left', ...labels.map(() => 'right' as const)],
  );
}

function slicesTable(data: EvaluateData): Block {
  const names = headlineMetrics(data.task);
  const metricCell = (s: SliceResult, name: string): Inline => {
    if (s.status === 'too-small') return cell('too small');
    const m = s.metrics?.[name];
    if (!m) return cell('—');
    return m.ci ? [...valueCell(m), raw(` ${ciText(m)}`)] : valueCell(m);
  };
  return table(
    [cell('slice'), cell('value'), cell('n'), ...names.map((name) => [code(name)])],
    data.slices.map((s) => [[s.column], [s.value], cell(String(s.n)), ...names.map((name) => metricCell(s, name))]),
    ['left', 'left', 'right', ...names.map(() => 'right' as const)],
  );
}

function headline(data: EvaluateData): Block {
  const b = data.bootstrap;
  const how = b ? ` · ${Math.round(b.confidence * 100)}% percentile bootstrap, ${b.resamples} resamples${b.stratified ? ' stratified by class' : ''}, seed ${b.seed}` : '';
  return paragraph(strong(data.predictions.source), raw(` · ${data.task} · ${data.n} rows${data.weighted ? ' (weighted)' : ''}${how}`));
}

/** An evaluation for people: the bounds, the metrics with intervals, the confusion matrix, slices and charts. */
export function evaluateSection(data: EvaluateData): Block[] {
  const blocks: Block[] = [headline(data)];
  if (data.thresholds.length) blocks.push(thresholdTable(data.thresholds));
  blocks.push(metricsTable(data.metrics, data.confidence));
  if (data.confusionMatrix) {
    blocks.push(paragraph(raw(`Confusion matrix${data.task === 'binary' ? ` at threshold ${data.threshold}` : ''}:`)));
    blocks.push(confusionTable(data.confusionMatrix.labels, data.confusionMatrix.matrix));
  }
  if (data.slices.length) blocks.push({ kind: 'details', summary: [raw(`Slices (${data.slices.length})`)], blocks: [slicesTable(data)] });
  for (const chart of evaluationCharts(data)) blocks.push({ kind: 'chart', chart: chart.xy, svg: chart.svg });
  return blocks;
}
