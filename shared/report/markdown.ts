// Untrusted text is escaped by report/escape.ts; re-exported for the renderers that build markdown here.
export { escapeMarkdown } from './escape.js';

export type Align = 'left' | 'right' | 'center';

export interface TableOptions {
  align?: Align[];
}

/** Cells are markdown already; escape untrusted text with escapeMarkdown before passing it in. */
export function markdownTable(headers: string[], rows: string[][], options: TableOptions = {}): string {
  const rule = headers.map((_, i) => {
    const align = options.align?.[i] ?? 'left';
    if (align === 'right') return '---:';
    if (align === 'center') return ':---:';
    return '---';
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(rule), ...rows.map(line)].join('\n');
}

/** A fixed number of significant digits, without exponent noise for typical metric values. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-4 || Math.abs(value) >= 1e9)) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
