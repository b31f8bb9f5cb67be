import { describe, expect, it } from 'vitest';
import { code, paragraph, raw, strong, sub, table, type Block } from '../../shared/report/blocks.js';
import { renderHtml } from '../../shared/report/render-html.js';
import { renderMarkdown } from '../../shared/report/render-markdown.js';

const HOSTILE = ['<script>alert(1)</script>', '@octocat', '#12', '| cell |', '**bold**', '[x](https://evil.example)', '`tick`', '&amp;', '"quoted"'];

describe('the markdown renderer', () => {
  it('shows a code span as written: no backslash escapes inside it (GitHub prints them), pipes kept inside a table cell, backticks dropped', () => {
    expect(renderMarkdown([paragraph(code('monthly_charges'))])).toBe('`monthly_charges`');
    expect(renderMarkdown([table([[raw('field')]], [[[code('a|b`c')]]])])).toBe('| field |\n| --- |\n| `a\\|bc` |');
  });

  it('escapes plain text and leaves our own raw text alone', () => {
    expect(renderMarkdown([paragraph('a_b [x]', raw(' · [0, 1]'))])).toBe('a\\_b \\[x\\] · [0, 1]');
    expect(renderMarkdown([paragraph(strong('@octocat'), raw(' '), sub(raw('note')))])).toBe('**@\u200boctocat** <sub>note</sub>');
  });

  it('writes the summary of a details block as HTML, since GitHub shows markdown escapes there as text; mentions stay inert', () => {
    const md = renderMarkdown([{ kind: 'details', summary: ['log_loss (2 outputs) @octocat #12 <b>'], blocks: [paragraph(raw('x'))] }]);
    expect(md.split('\n')[0]).toBe('<details><summary>log_loss (2 outputs) @\u200boctocat #\u200b12 &lt;b&gt;</summary>');
  });

  it('renders lists, quotes, headings, details and charts as the steps wrote them', () => {
    const blocks: Block[] = [
      { kind: 'heading', level: 3, text: [raw('Data drift')] },
      { kind: 'list', items: [['one'], ['two']] },
      { kind: 'quote', text: ['boom'] },
      { kind: 'details', summary: [raw('More')], blocks: [paragraph(raw('inside')), { kind: 'chart', chart: { title: 'T', x: { labels: ['a'] }, y: {}, series: [{ kind: 'bar', values: [1] }] } }] },
    ];
    expect(renderMarkdown(blocks)).toBe('### Data drift\n\n- one\n- two\n\n> boom\n\n<details><summary>More</summary>\n\ninside\n\n```mermaid\nxychart-beta\n  title "T"\n  x-axis ["a"]\n  bar [1]\n```\n\n</details>');
  });
});

describe('the HTML renderer', () => {
  it.each(HOSTILE)('escapes %j in every place text goes', (text) => {
    const blocks: Block[] = [
      { kind: 'heading', level: 2, text: [text] },
      paragraph(text, strong(text), code(text), raw(text)),
      table([[text]], [[[text]]], ['right']),
      { kind: 'list', items: [[text]] },
      { kind: 'details', summary: [text], blocks: [{ kind: 'code', language: 'text', text }] },
      { kind: 'chart', chart: { title: text, x: { labels: [text] }, y: {}, series: [{ kind: 'bar', values: [1] }] } },
    ];
    const html = renderHtml(blocks);
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/"quoted"/);
    expect(html.replace(/<\/?(h2|p|strong|code|table|thead|tbody|tr|th|td|ul|li|details|summary|pre|figure|figcaption|small)( class="[a-z-]+")?>/g, '')).not.toMatch(/[<>]/);
  });

  it('puts the numbers of a chart in a table beside it', () => {
    const html = renderHtml([{ kind: 'chart', chart: { title: 'Change', x: { labels: ['roc_auc', 'log_loss'] }, y: {}, series: [{ kind: 'bar', values: [1.5, -2] }] } }]);
    expect(html).toContain('<figcaption>Change</figcaption>');
    expect(html).toContain('<tr><td>roc_auc</td><td class="right">1.5</td></tr><tr><td>log_loss</td><td class="right">-2</td></tr>');
  });
});
