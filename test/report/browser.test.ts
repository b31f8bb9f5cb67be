import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { findBinary } from '../servers/common.js';

const chromiumPath = findBinary(['chromium', '/usr/bin/chromium'], 'bash test/setup/chromium.sh');

const MERMAID_VERSIONS = { 'mermaid 10.7.0': 'node_modules/mermaid10/dist/mermaid.min.js', 'mermaid (current)': 'node_modules/mermaid/dist/mermaid.min.js' };

/** Runs `modelci report` on the churn fixture; returns the directory holding report.md and report.html. */
async function churnReport(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-browser-'));
  await cp(join(repoRoot, 'test/fixtures/report/churn-second'), join(dir, 'evidence'), { recursive: true, filter: (source) => !source.endsWith('.md') });
  const run = await runCliCaptured(['report', '--evidence', 'evidence'], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  return join(dir, '.modelci');
}

/** A page that records its console errors, uncaught exceptions and every request it makes. */
async function watchedPage(browser: Browser): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requests.push(request.url()));
  return { page, errors, requests };
}

describe.skipIf(!chromiumPath)('the report in a browser (Debian Chromium)', () => {
  let browser: Browser;
  let out: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true });
    out = await churnReport();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows report.html with its SVG charts and data tables, without errors or requests', async () => {
    const { page, errors, requests } = await watchedPage(browser);
    const url = pathToFileURL(join(out, 'report.html')).href;
    await page.goto(url);
    expect(await page.locator('svg').count()).toBeGreaterThan(0);
    expect(await page.locator('table.chart-data').count()).toBeGreaterThan(0);
    const screenshot = join(out, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`report.html screenshot: ${screenshot}`);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
  });

  it.each(Object.entries(MERMAID_VERSIONS))('renders every mermaid block of report.md with %s', async (_, dist) => {
    const blocks = [...(await readFile(join(out, 'report.md'), 'utf8')).matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map(([, text]) => text!);
    expect(blocks.length).toBeGreaterThan(0);
    const { page, errors, requests } = await watchedPage(browser);
    await page.addScriptTag({ path: join(repoRoot, dist) });
    for (const [index, text] of blocks.entries()) {
      const rendered = await page.evaluate(async ({ id, text }) => {
        const { mermaid } = globalThis as unknown as { mermaid: { initialize(config: object): void; render(id: string, text: string): Promise<{ svg: string }> } };
        mermaid.initialize({ startOnLoad: false });
        try {
          return { svg: (await mermaid.render(id, text)).svg };
        } catch (error) {
          return { error: String(error) };
        }
      }, { id: `chart${index}`, text });
      expect(rendered, text).not.toHaveProperty('error');
      expect(rendered.svg, text).toMatch(/^<svg[\s\S]*aria-roledescription="xychart"[\s\S]*<\/svg>$/);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});
