import type { MetricComparison, RuleOutcome } from '../../compare/decide.js';
import { championText, type CompareData } from '../../compare/result.js';
import { cell, paragraph, raw, strong, table, type Block, type Inline } from '../blocks.js';
import { formatNumber } from '../markdown.js';
import type { XyChart } from '../mermaid.js';

function change(metric: MetricComparison): string {
  if (metric.delta === null) return '—';
  const sign = metric.delta > 0 ? '+' : '';
  return `${sign}${formatNumber(metric.delta)}${metric.relDelta !== null ? ` (${sign}${formatNumber(metric.relDelta * 100, 3)}%)` : ''}`;
}

function resultCell(rule: RuleOutcome): Inline {
  const word = rule.passed === null ? raw('skipped') : rule.passed ? raw('pass') : strong(raw('fail'));
  return [word, raw(': '), rule.detail];
}

/** One row per rule, so every number that decided is on the page; the metric's values are on its first row. */
function comparisonTable(data: CompareData, confidence: number): Block {
  const rows: Inline[][] = [];
  for (const metric of data.metrics) {
    metric.rules.forEach((rule, index) => {
      const first = index === 0;
      rows.push([
        first ? [metric.name, raw(` (${metric.direction} is better)`)] : cell(''),
        cell(first ? formatNumber(metric.champion) : ''),
        cell(first ? formatNumber(metric.challenger) : ''),
        cell(first ? change(metric) : ''),
        cell(first ? (metric.ci ? `[${formatNumber(metric.ci[0])}, ${formatNumber(metric.ci[1])}]` : '—') : ''),
        [rule.rule],
        resultCell(rule),
      ]);
    });
  }
  return table(
    [cell('metric'), cell('champion'), cell('challenger'), cell('change'), cell(`${formatNumber(confidence * 100, 3)}% CI of the change`), cell('rule'), cell('result')],
    rows,
    ['left', 'right', 'right', 'right', 'right', 'left', 'left'],
  );
}

/** The matrix legs compare weighed; the picked one is the challenger below. */
function candidatesTable(rows: NonNullable<CompareData['candidates']>): Block {
  return table(
    [cell('leg'), cell(rows[0]?.metric ?? 'metric'), cell('picked'), cell('eligible')],
    rows.map((row) => [[row.source], cell(formatNumber(row.value)), row.picked ? [strong(raw('picked'))] : cell(''), row.eligible ? cell('yes') : [raw('no: '), row.reason ?? '']]),
    ['left', 'right', 'left', 'left'],
  );
}

/** Relative changes in percent, with the interval ends as lines when intervals were computed. */
function changeChart(data: CompareData): XyChart | null {
  const shown = data.metrics.filter((metric) => metric.delta !== null && metric.champion !== null);
  if (shown.length === 0) return null;
  const percent = (value: number, metric: MetricComparison) => (metric.champion !== 0 ? (100 * value) / Math.abs(metric.champion!) : 0);
  const series: XyChart['series'] = [{ kind: 'bar', values: shown.map((metric) => percent(metric.delta!, metric)) }];
  if (shown.every((metric) => metric.ci)) {
    series.push({ kind: 'line', values: shown.map((metric) => percent(metric.ci![0], metric)) }, { kind: 'line', values: shown.map((metric) => percent(metric.ci![1], metric)) });
  }
  return { title: 'Change against the champion (%)', x: { labels: shown.map((metric) => metric.name) }, y: { title: '% of champion' }, series };
}

/** The decision for people; intervals are at 1 - alpha of the policy. */
export function compareSection(data: CompareData): Block[] {
  const pairing = data.paired === null ? 'no champion' : data.paired ? 'paired on the same rows' : 'unpaired';
  const blocks: Block[] = [paragraph(strong(raw(data.decision)), raw(' · against '), championText(data.champion), raw(` · ${pairing}`))];
  if (data.reasons.length) blocks.push({ kind: 'list', items: data.reasons.map((reason) => [reason]) });
  if (data.notes.length) blocks.push({ kind: 'list', items: data.notes.map((note) => [note]) });
  if (data.candidates) blocks.push(candidatesTable(data.candidates));
  if (data.metrics.length) blocks.push(comparisonTable(data, 1 - data.policy.alpha));
  const chart = changeChart(data);
  if (chart) blocks.push({ kind: 'chart', chart });
  return blocks;
}
