import { histogramChart, type DriftReport } from '../../drift/report.js';
import type { Direction } from '../../stats/methods.js';
import { cell, paragraph, raw, strong, table, type Block, type Inline } from '../blocks.js';
import { formatNumber } from '../markdown.js';

const DIRECTION_TEXT: Record<Direction, string> = {
  'p<=': 'p ≤',
  'p<': 'p <',
  'stat>=': '≥',
  'stat>': '>',
};

export type DriftResult = DriftReport & { failed?: boolean; cause?: string };

function verdict(report: DriftResult): Inline {
  const counts = raw(`: ${report.driftedColumns} of ${report.comparedColumns} columns drifted (${formatNumber(report.share * 100, 3)}%; dataset drift at ≥ ${formatNumber(report.shareThreshold * 100, 3)}%).`);
  // "No dataset drift" above a failed step reads as all clear; say what the share was instead.
  if (report.datasetDrift) return [strong(raw('Dataset drift detected')), counts];
  return [raw(report.cause ? 'Below the dataset-drift share' : 'No dataset drift'), counts];
}

/** Drift against the reference: the verdict, every column's test, and histograms of the worst columns. */
export function driftSection(report: DriftResult): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 3, text: [raw('Data drift')] }];
  if (report.cause) blocks.push(paragraph(strong(raw('Drift fails this step')), raw(': '), report.cause, raw('.')));
  blocks.push({ kind: 'paragraph', text: verdict(report) });
  if (report.columns.some((c) => c.approximate)) {
    const bound = Math.max(...report.columns.map((c) => c.rankErrorBound ?? 0));
    blocks.push(paragraph(raw('Some columns are '), strong(raw('approximate')), raw(` (KLL sketch, rank error ≤ ${formatNumber(bound, 2)} per sample).`)));
  }
  blocks.push(table(
    [cell('Column'), cell('Type'), cell('Method'), cell('Statistic'), cell('p-value'), cell('Drift when'), cell('Result')],
    report.columns.map((c) => [
      [c.name],
      cell(c.type),
      cell(c.method ? `${c.method}${c.approximate ? ' (approximate)' : ''}` : '—'),
      cell(c.statistic === null ? '—' : formatNumber(c.statistic)),
      cell(c.pValue === null ? '—' : formatNumber(c.pValue)),
      cell(c.threshold === null || c.direction === null ? '—' : `${DIRECTION_TEXT[c.direction]} ${formatNumber(c.threshold)}`),
      c.note ? [c.note] : c.drifted ? [strong(raw('drift'))] : cell('ok'),
    ]),
    ['left', 'left', 'left', 'right', 'right', 'left', 'left'],
  ));
  const charts = report.histograms;
  if (charts.length) {
    blocks.push({
      kind: 'details',
      summary: [raw(`Histograms of the ${charts.length === 1 ? 'worst column' : `${charts.length} worst columns`}`)],
      blocks: charts.map((histogram) => ({ kind: 'chart', chart: histogramChart(histogram) })),
    });
  }
  return blocks;
}
