import type { Block, Inline, Span } from './blocks.js';
import { escapeXml, inert } from './escape.js';
import type { XyChart } from './mermaid.js';
import { formatNumber } from './markdown.js';

function span(s: Span, forComment: boolean): string {
  if (typeof s === 'string') return escapeXml(forComment ? inert(s) : s);
  if ('raw' in s) return escapeXml(s.raw);
  if ('strong' in s) return `<strong>${inlineHtml(s.strong, forComment)}</strong>`;
  if ('code' in s) return `<code>${escapeXml(s.code)}</code>`;
  return `<small>${inlineHtml(s.sub, forComment)}</small>`;
}

/** Inline HTML; `forComment` also makes mentions, references and URLs inert, as a PR comment needs. */
export function inlineHtml(text: Inline, forComment = false): string {
  return text.map((s) => span(s, forComment)).join('');
}

function cells(tag: 'th' | 'td', row: Inline[], align: readonly string[] | undefined): string {
  return row.map((c, i) => `<${tag}${align?.[i] && align[i] !== 'left' ? ` class="${align[i]}"` : ''}>${inlineHtml(c)}</${tag}>`).join('');
}

/** The numbers behind a chart, beside it: readable without scripts and by screen readers. */
function chartTable(chart: XyChart): string {
  const labels = 'labels' in chart.x ? chart.x.labels : chart.series[0]!.values.map((_, i, all) => {
    const { min, max } = chart.x as { min: number; max: number };
    return formatNumber(all.length > 1 ? min + ((max - min) * i) / (all.length - 1) : min);
  });
  const head = `<tr><th></th>${chart.series.map((s, i) => `<th class="right">${s.kind} ${i + 1}</th>`).join('')}</tr>`;
  const rows = labels.map((label, i) => `<tr><td>${escapeXml(label)}</td>${chart.series.map((s) => `<td class="right">${escapeXml(formatNumber(s.values[i]))}</td>`).join('')}</tr>`);
  return `<table class="chart-data">${head}${rows.join('')}</table>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${inlineHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${inlineHtml(b.text)}</p>`;
    case 'quote':
      return `<blockquote>${inlineHtml(b.text)}</blockquote>`;
    case 'list':
      return `<ul>${b.items.map((item) => `<li>${inlineHtml(item)}</li>`).join('')}</ul>`;
    case 'table':
      return `<table><thead><tr>${cells('th', b.header, b.align)}</tr></thead><tbody>${b.rows.map((row) => `<tr>${cells('td', row, b.align)}</tr>`).join('')}</tbody></table>`;
    case 'details':
      return `<details><summary>${inlineHtml(b.summary)}</summary>${renderHtml(b.blocks)}</details>`;
    case 'chart':
      // Our own SVG (built with escapeXml); without one, the numbers alone.
      return `<figure><figcaption>${escapeXml(b.chart.title)}</figcaption>${b.svg ?? ''}${chartTable(b.chart)}</figure>`;
    case 'code':
      return `<pre><code class="language-${escapeXml(b.language)}">${escapeXml(b.text)}</code></pre>`;
  }
}

/** An HTML fragment of the blocks; every text is escaped, nothing is fetched. */
export function renderHtml(blocks: readonly Block[]): string {
  return blocks.map(block).join('\n');
}
