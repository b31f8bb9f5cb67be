import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeXml, mermaidText } from '../../shared/report/escape.js';
import { markdownTable } from '../../shared/report/markdown.js';

/** Names a data file, a branch or a PR can carry into a report. */
const HOSTILE = [
  'a|b',
  '`rm -rf /`',
  '[click](https://evil.example/x)',
  '![img](http://evil.example/p.png)',
  '<img src=x onerror=alert(1)>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '@octocat please look',
  'fixes #123 and GH-45, see !67',
  'visit www.evil.example or https://evil.example',
  '**bold** _it_ ~~del~~ > quote',
  'line one\nline two\r\nline three',
  '<!-- modelci-report -->',
  '\\| escaped pipe',
];

const ZWSP = '\u200b';

describe('escapeMarkdown', () => {
  it.each(HOSTILE)('neutralizes %j', (text) => {
    const out = escapeMarkdown(text);
    expect(out).not.toMatch(/(^|[^\\])(\\\\)*\|/); // every pipe escaped: a table cell stays one cell
    expect(out).not.toMatch(/(^|[^\\])(\\\\)*[`[\]]/); // no code span, no link or image
    expect(out).not.toContain('<'); // no HTML or comment
    expect(out).not.toMatch(/&(?!amp;|lt;)/); // no entity of the author's
    expect(out).not.toMatch(/[\r\n]/);
    expect(out).not.toMatch(/@[\w-]/); // no mention
    expect(out).not.toMatch(/(#|!|GH-)\d/i); // no issue or merge-request reference
    expect(out).not.toMatch(/:\/\/|www\./i); // no autolink
  });

  it('keeps the text readable: only escapes and zero-width breaks are added', () => {
    for (const text of HOSTILE) {
      const visible = escapeMarkdown(text).replaceAll(ZWSP, '').replace(/\\(.)/g, '$1').replaceAll('&lt;', '<').replaceAll('&amp;', '&');
      expect(visible).toBe(text.replace(/\r\n?|\n/g, ' '));
    }
  });

  it('keeps a table with hostile cells to its columns', () => {
    const table = markdownTable(['name', 'value'], HOSTILE.map((text) => [escapeMarkdown(text), '1']));
    for (const row of table.split('\n').slice(2)) expect(row.split(/(?<!\\)\|/).length - 2, row).toBe(2);
  });
});

describe('escapeXml and mermaidText', () => {
  it('leave no markup in SVG or HTML text and attributes', () => {
    for (const text of HOSTILE) expect(escapeXml(text)).not.toMatch(/[<>"']|&(?!amp;|lt;|gt;|quot;|#39;)/);
  });

  it('leave no character that closes or breaks a Mermaid label', () => {
    for (const text of HOSTILE) expect(mermaidText(text)).not.toMatch(/["`\\\n\r[\]]/);
  });
});
