import type { Block, Inline, Span } from './blocks.js';
import { escapeMarkdown } from './escape.js';
import { details, markdownTable } from './markdown.js';
import { xyChart } from './mermaid.js';
import { inlineHtml } from './render-html.js';

function span(s: Span): string {
  if (typeof s === 'string') return escapeMarkdown(s);
  if ('raw' in s) return s.raw;
  if ('strong' in s) return `**${inline(s.strong)}**`;
  // Backslash escapes do not work inside a code span; a pipe would still end a table cell.
  if ('code' in s) return `\`${s.code.replace(/`/g, '').replace(/\|/g, '\\|')}\``;
  return `<sub>${inline(s.sub)}</sub>`;
}

export function inline(text: Inline): string {
  return text.map(span).join('');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${inline(b.text)}`;
    case 'paragraph':
      return inline(b.text);
    case 'quote':
      return `> ${inline(b.text)}`;
    case 'list':
      return b.items.map((item) => `- ${inline(item)}`).join('\n');
    case 'table':
      return markdownTable(b.header.map(inline), b.rows.map((row) => row.map(inline)), b.align ? { align: b.align } : {});
    case 'details':
      // A line starting with <details> is an HTML block: markdown escapes would show as text there.
      return details(inlineHtml(b.summary, true), renderMarkdown(b.blocks));
    case 'chart':
      return xyChart(b.chart);
    case 'code':
      return `\`\`\`${b.language}\n${b.text.replace(/```/g, '`\u200b``')}\n\`\`\``;
  }
}

/** GitHub/GitLab-flavoured markdown: blocks separated by a blank line. */
export function renderMarkdown(blocks: readonly Block[]): string {
  return blocks.map(block).join('\n\n');
}
