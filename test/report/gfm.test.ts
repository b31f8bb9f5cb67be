import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';

const HOSTILE = ['<img src=x onerror=alert(1)>', '@octocat', '#12', '[x](https://evil.example)', '| a | b |', '`tick`', 'https://evil.example/path'];

// What the report itself writes as HTML in its markdown, and what micromark makes of markdown.
const OWN_TAGS = new Set(['details', 'summary', 'sub']);
const MARKDOWN_TAGS = new Set(['h2', 'h3', 'p', 'strong', 'em', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'blockquote', 'del']);
const ALLOWED_ATTRIBUTES = /^(| align="(left|right|center)"| class="language-mermaid")$/;

/** report.md of the churn fixture, with each evidence file's text passed through `edit`. */
async function reportMarkdown(edit: Record<string, (text: string) => string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-gfm-'));
  await cp(join(repoRoot, 'test/fixtures/report/churn-second'), join(dir, 'evidence'), { recursive: true, filter: (source) => !source.endsWith('.md') });
  for (const [step, change] of Object.entries(edit)) {
    const path = join(dir, 'evidence', `${step}.json`);
    await writeFile(path, change(await readFile(path, 'utf8')));
  }
  const run = await runCliCaptured(['report', '--evidence', 'evidence'], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  return readFile(join(dir, '.modelci/report.md'), 'utf8');
}

/** As GitHub renders it before sanitizing: GFM with the raw HTML passed through. */
const toHtml = (markdown: string): string => micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });

/** Header and body row cell counts of every table in the HTML. */
function htmlTables(html: string): { header: number; rows: number[] }[] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, table]) => {
    const [head = '', body = ''] = table!.split('</thead>');
    return { header: head.match(/<th[\s>]/g)?.length ?? 0, rows: body.split('<tr>').slice(1).map((row) => row.match(/<td[\s>]/g)?.length ?? 0) };
  });
}

/**
 * Cell counts of every markdown table row, split where GFM splits them: at each pipe without a
 * backslash before it. micromark pads and drops cells to the header's count, so an extra cell
 * shows only here, not in its HTML.
 */
function markdownTables(markdown: string): number[][] {
  const cells = (row: string): number => {
    let pipes = 0;
    for (let i = 0; i < row.length; i++) {
      if (row[i] === '\\') i++;
      else if (row[i] === '|') pipes++;
    }
    return pipes - 1;
  };
  return (markdown.match(/(^\|.*\n?)+/gm) ?? []).map((table) => table.trimEnd().split('\n').filter((_, i) => i !== 1).map(cells));
}

function expectWellFormedTables(markdown: string, html: string): void {
  const tables = htmlTables(html);
  expect(tables.length).toBeGreaterThan(0);
  for (const { header, rows } of tables) expect(rows.every((count) => count === header), `rows ${rows} under ${header} headers`).toBe(true);
  const source = markdownTables(markdown);
  expect(source.length).toBe(tables.length);
  for (const [header, ...rows] of source) expect(rows.filter((count) => count !== header), `a row's cells differ from the header's ${header}`).toEqual([]);
}

/** Every tag in the HTML is one markdown or the report itself produces, with no attribute from data. */
function unexpectedTags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)].filter(([, name, attributes]) => !(MARKDOWN_TAGS.has(name!) || OWN_TAGS.has(name!)) || !ALLOWED_ATTRIBUTES.test(attributes!)).map(([tag]) => tag);
}

/** Text GitHub would scan for mentions, issue references and bare links: not in code. */
const outsideCode = (html: string): string => html.replace(/<pre>[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, '');

describe('report.md as GitHub-flavoured markdown', () => {
  it('renders the churn report with every table row as wide as its header', async () => {
    const markdown = await reportMarkdown();
    const html = toHtml(markdown);
    expectWellFormedTables(markdown, html);
    expect(unexpectedTags(html)).toEqual([]);
    expect(html).toContain('<details><summary>');
    expect(html).toContain('<pre><code class="language-mermaid">');
  });

  it.each(HOSTILE)('keeps the hostile name %s from becoming a tag, link, mention or extra table cell', async (hostile) => {
    const markdown = await reportMarkdown({
      train: (text) => text.replaceAll('python3 train.py', hostile).replaceAll('accuracy', hostile),
      'validate-data': (text) => text.replaceAll('monthly_charges', hostile),
    });
    const html = toHtml(markdown);
    expect(html).not.toMatch(/<a[\s>]/);
    expect(html).not.toMatch(/<img/i);
    expect(unexpectedTags(html)).toEqual([]);
    expectWellFormedTables(markdown, html);
    expect(outsideCode(html)).not.toMatch(/@octocat|#12|https?:\/\//);
  });
});
