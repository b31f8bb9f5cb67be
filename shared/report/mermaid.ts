import { shorten } from '../text/shorten.js';
import { mermaidText } from './escape.js';

/**
 * Mermaid `xychart-beta` blocks render inside GitHub and GitLab comments without hosting
 * images. Labels are quoted and stripped of characters that break the mermaid grammar.
 */
export interface XySeries {
  kind: 'bar' | 'line';
  values: number[];
}

export interface XyChart {
  title: string;
  /** Category labels on the x axis, or a numeric range. */
  x: { labels: string[] } | { min: number; max: number; title?: string };
  y: { title?: string; min?: number; max?: number };
  series: XySeries[];
}

function mermaidLabel(text: string): string {
  return `"${shorten(mermaidText(text), 40)}"`;
}

function mermaidNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : '0';
}

export function xyChart(chart: XyChart): string {
  const lines = ['```mermaid', 'xychart-beta', `  title ${mermaidLabel(chart.title)}`];
  if ('labels' in chart.x) {
    lines.push(`  x-axis [${chart.x.labels.map(mermaidLabel).join(', ')}]`);
  } else {
    const title = chart.x.title ? `${mermaidLabel(chart.x.title)} ` : '';
    lines.push(`  x-axis ${title}${mermaidNumber(chart.x.min)} --> ${mermaidNumber(chart.x.max)}`);
  }
  const yTitle = chart.y.title ? `${mermaidLabel(chart.y.title)} ` : '';
  const yRange = chart.y.min !== undefined && chart.y.max !== undefined ? `${mermaidNumber(chart.y.min)} --> ${mermaidNumber(chart.y.max)}` : '';
  if (yTitle || yRange) lines.push(`  y-axis ${yTitle}${yRange}`.trimEnd());
  for (const series of chart.series) lines.push(`  ${series.kind} [${series.values.map(mermaidNumber).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}
