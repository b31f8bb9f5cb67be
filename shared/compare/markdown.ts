import { escapeMarkdown, formatNumber, markdownTable } from '../report/markdown.js';
import { xyChart } from '../report/mermaid.js';
import type { Decision, MetricComparison, RuleOutcome } from './decide.js';

function change(metric: MetricComparison): string {
  if (metric.delta === null) return '—';
  const sign = metric.delta > 0 ? '+' : '';
  return `${sign}${formatNumber(metric.delta)}${metric.relDelta !== null ? ` (${sign}${formatNumber(metric.relDelta * 100, 3)}%)` : ''}`;
}

function ruleCell(rule: RuleOutcome): string {
  return escapeMarkdown(rule.rule);
}

function resultCell(rule: RuleOutcome): string {
  const word = rule.passed === null ? 'skipped' : rule.passed ? 'pass' : '**fail**';
  return `${word}: ${escapeMarkdown(rule.detail)}`;
}

/** One row per rule, so every number that decided is on the page; the metric's values are on its first row. */
export function comparisonTable(decision: Decision, confidence: number): string {
  const rows: string[][] = [];
  for (const metric of decision.metrics) {
    metric.rules.forEach((rule, index) => {
      const first = index === 0;
      rows.push([
        first ? `${escapeMarkdown(metric.name)} (${metric.direction} is better)` : '',
        first ? formatNumber(metric.champion) : '',
        first ? formatNumber(metric.challenger) : '',
        first ? change(metric) : '',
        first ? (metric.ci ? `[${formatNumber(metric.ci[0])}, ${formatNumber(metric.ci[1])}]` : '—') : '',
        ruleCell(rule),
        resultCell(rule),
      ]);
    });
  }
  return markdownTable(['metric', 'champion', 'challenger', 'change', `${formatNumber(confidence * 100, 3)}% CI of the change`, 'rule', 'result'], rows, { align: ['left', 'right', 'right', 'right', 'right', 'left', 'left'] });
}

/** Relative changes in percent, with the interval ends as lines when intervals were computed. */
function changeChart(decision: Decision): string | null {
  const shown = decision.metrics.filter((metric) => metric.delta !== null && metric.champion !== null);
  if (shown.length === 0) return null;
  const percent = (value: number, metric: MetricComparison) => (metric.champion !== 0 ? (100 * value) / Math.abs(metric.champion!) : 0);
  const series: { kind: 'bar' | 'line'; values: number[] }[] = [{ kind: 'bar', values: shown.map((metric) => percent(metric.delta!, metric)) }];
  if (shown.every((metric) => metric.ci)) {
    series.push({ kind: 'line', values: shown.map((metric) => percent(metric.ci![0], metric)) }, { kind: 'line', values: shown.map((metric) => percent(metric.ci![1], metric)) });
  }
  return xyChart({ title: 'Change against the champion (%)', x: { labels: shown.map((metric) => metric.name) }, y: { title: '% of champion' }, series });
}

/** The decision for people; intervals are at `confidence` (1 - alpha of the policy). */
export function comparisonMarkdown(decision: Decision, championText: string, confidence: number): string {
  const verdict = decision.decision === 'promote' ? '**promote**' : '**reject**';
  const parts = [`${verdict} · against ${escapeMarkdown(championText)} · ${decision.paired === null ? 'no champion' : decision.paired ? 'paired on the same rows' : 'unpaired'}`];
  if (decision.reasons.length) parts.push(decision.reasons.map((reason) => `- ${escapeMarkdown(reason)}`).join('\n'));
  if (decision.notes.length) parts.push(decision.notes.map((note) => `- ${escapeMarkdown(note)}`).join('\n'));
  if (decision.metrics.length) parts.push(comparisonTable(decision, confidence));
  const chart = changeChart(decision);
  if (chart) parts.push(chart);
  return parts.join('\n\n');
}
