import type { XyChart } from './mermaid.js';
import type { Align } from './markdown.js';

/**
 * Inline text. A plain string is untrusted (a column, file or metric name, a value) and every
 * renderer escapes it; `raw` is text we produced that holds no markup (numbers, fixed words).
 */
export type Span = string | { raw: string } | { strong: Span[] } | { code: string } | { sub: Span[] };
export type Inline = Span[];

export type Block =
  | { kind: 'heading'; level: 2 | 3 | 4; text: Inline }
  | { kind: 'paragraph'; text: Inline }
  | { kind: 'quote'; text: Inline }
  | { kind: 'list'; items: Inline[] }
  | { kind: 'table'; header: Inline[]; rows: Inline[][]; align?: Align[] }
  | { kind: 'details'; summary: Inline; blocks: Block[] }
  | { kind: 'chart'; chart: XyChart; svg?: string }
  | { kind: 'code'; language: string; text: string };

export const raw = (text: string): Span => ({ raw: text });
export const strong = (...text: Span[]): Span => ({ strong: text });
export const code = (text: string): Span => ({ code: text });
export const sub = (...text: Span[]): Span => ({ sub: text });

export const paragraph = (...text: Span[]): Block => ({ kind: 'paragraph', text });
export const table = (header: Inline[], rows: Inline[][], align?: Align[]): Block => ({ kind: 'table', header, rows, ...(align ? { align } : {}) });
/** A table cell of our own text (a number, a fixed word). */
export const cell = (text: string): Inline => [raw(text)];
