import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSteps } from '../../shared/cli/step-catalog.js';
import { parseEvidence } from '../../shared/evidence/read.js';
import { buildReport } from '../../shared/report/document.js';
import { renderReport } from '../../shared/report/render-report.js';
import { REPORTED_RESULTS } from '../../shared/report/result-schemas.js';
import { reportStep } from '../../shared/steps/report.js';
import { FIXTURE_STEPS } from '../helpers/fixture-steps.js';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';

const fixtures = join(repoRoot, 'test/fixtures/report');

async function evidenceDir(from: string, rename?: (text: string) => string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-report-'));
  await cp(join(fixtures, from), join(dir, 'evidence'), { recursive: true, filter: (source) => !source.endsWith('.md') });
  if (rename) for (const step of ['train', 'evaluate', 'compare']) {
    const path = join(dir, 'evidence', `${step}.json`);
    await writeFile(path, rename(await readFile(path, 'utf8')));
  }
  return dir;
}

async function records(from: string) {
  const steps = ['validate-data', 'train', 'evaluate', 'compare', 'push-model'];
  return Promise.all(steps.map(async (step) => parseEvidence(await readFile(join(fixtures, from, `${step}.json`), 'utf8'), { shown: step, results: REPORTED_RESULTS })));
}

describe('modelci report', () => {
  it('knows the result schema of every step in the catalog', async () => {
    const catalog = Object.fromEntries((await loadSteps()).filter((step) => step.result && step.name !== 'report').map((step) => [step.name, step.result]));
    expect(REPORTED_RESULTS).toEqual(catalog);
  });

  it('writes report.md and a self-contained, deterministic report.html from the evidence, and says why there is no comment', async () => {
    const dir = await evidenceDir('churn-second');
    const first = await runCliCaptured(['report', '--evidence', 'evidence', '--format', 'json'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.records.map((record: { step: string }) => record.step)).toEqual(['compare', 'evaluate', 'push-model', 'train', 'validate-data']);
    expect(result.comment).toMatchObject({ applied: 'none', reason: 'a local run has no pull or merge request to comment on' });
    expect(first.stderr).toContain('No report comment: a local run has no pull or merge request');
    const markdown = await readFile(join(dir, '.modelci/report.md'), 'utf8');
    expect(markdown).toMatch(/^## modelci report\n\n✅ \*\*passed\*\* · compare: \*\*promote\*\*\n/);
    const order = ['validate-data', 'train', 'evaluate', 'compare', 'push-model'].map((step) => markdown.indexOf(`### ✅ ${step}`));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    const html = await readFile(join(dir, '.modelci/report.html'), 'utf8');
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|url\((?!#)|@import/i);
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).toContain('<table class="chart-data">');
    await runCliCaptured(['report', '--evidence', 'evidence'], { cwd: dir });
    expect(await readFile(join(dir, '.modelci/report.html'), 'utf8')).toBe(html);
    const metrics = (await readFile(join(dir, '.modelci/metrics.txt'), 'utf8')).split('\n');
    expect(metrics).toEqual(expect.arrayContaining([expect.stringMatching(/^evaluate_roc_auc 0\.778\d+$/), expect.stringMatching(/^evaluate_roc_auc_ci_low 0\.\d+$/), 'compare_roc_auc_delta 0', 'compare_promote 1', 'validate_data_errors 0', expect.stringMatching(/^train_test_positive_rate 0\.3688\d+$/)]));
    expect(metrics.at(-2)).toBe('# EOF');
    expect(metrics.filter((entry) => entry && entry !== '# EOF').every((entry) => /^[a-zA-Z_:][a-zA-Z0-9_:]* -?[0-9.e+-]+$/.test(entry))).toBe(true);
  });

  it('gives no passed verdict when there is no evidence: the headline says no evidence and why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-report-empty-'));
    const run = await runCliCaptured(['report', '--format', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const markdown = await readFile(join(dir, '.modelci/report.md'), 'utf8');
    expect(markdown).toMatch(/^## modelci report\n\n⚠️ \*\*no evidence\*\*\n/);
    expect(markdown).toContain('No evidence found: no modelci step ran before this report');
    expect(markdown).not.toContain('passed');
  });

  it('refuses options that cannot mean anything together (exit 2, nothing written)', async () => {
    const dir = await evidenceDir('churn-second');
    for (const [args, said] of [
      [['--phase', 'render', '--token', 'ghp_secret0123456789'], 'phase render posts nothing, so it takes no token'],
      [['--comment', 'false', '--mode', 'delete'], 'mode delete says what to do with the comment, but comment is false'],
      [['--leg', 'py3.11', '--mode', 'recreate'], 'mode recreate replaces the whole comment, which matrix legs share (leg py3.11)'],
    ] as const) {
      const run = await runCliCaptured(['report', '--evidence', 'evidence', ...args], { cwd: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(said);
      expect(run.stderr).not.toContain('ghp_secret0123456789');
      expect(existsSync(join(dir, '.modelci/report.md'))).toBe(false);
    }
  });

  it('escapes hostile names from the evidence in the markdown and the HTML', async () => {
    const hostile = '<img src=x onerror=alert(1)> @octocat #1 [x](https://evil.example)';
    const dir = await evidenceDir('churn-second', (text) => text.replaceAll('python3 train.py', hostile));
    expect((await runCliCaptured(['report', '--evidence', 'evidence'], { cwd: dir })).code).toBe(0);
    const html = await readFile(join(dir, '.modelci/report.html'), 'utf8');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const markdown = await readFile(join(dir, '.modelci/report.md'), 'utf8');
    expect(markdown).not.toMatch(/<img|@octocat|\]\(https/);
  });

  it('cuts whole blocks, least valuable first, to fit a limit, keeping the verdict and every fence and details closed', async () => {
    const doc = buildReport(await records('churn-second'), []);
    const full = renderReport(doc, 1e9, 'x');
    expect(full.cuts).toEqual([]);
    for (const limit of [full.markdown.length - 1, 6000, 2500, 900]) {
      const cut = renderReport(doc, limit, 'the job summary');
      expect(cut.markdown.length).toBeLessThanOrEqual(limit);
      expect(cut.markdown).toContain('✅ **passed** · compare: **promote**');
      expect(cut.markdown.split('<details>').length).toBe(cut.markdown.split('</details>').length);
      expect((cut.markdown.match(/^```/gm) ?? []).length % 2).toBe(0);
      expect(cut.cuts.length).toBeGreaterThan(0);
      expect(cut.markdown).toContain('the job summary has everything');
    }
    const mid = renderReport(doc, 6000, 'the job summary');
    expect(mid.markdown).toContain('### ✅ compare');
    expect(mid.cuts[0]).toBe('slice tables, histograms and charts');
  });

  it('runs in a pipeline after a failed step, shows the failure, and never shows records of an earlier run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-report-pipeline-'));
    await writeFile(join(dir, 'in.txt'), 'hello');
    await writeFile(join(dir, 'modelci.yaml'), 'pipeline: [note, copy, report]\ncopy:\n  source: in.txt\n');
    const steps = [...FIXTURE_STEPS, reportStep];
    expect((await runCliCaptured(['run'], { cwd: dir, steps })).code).toBe(0);
    expect(existsSync(join(dir, '.modelci/evidence/copy.json'))).toBe(true);
    await writeFile(join(dir, 'modelci.yaml'), 'pipeline: [copy, note, report]\ncopy:\n  source: in.txt\n  mode: fail\n');
    const run = await runCliCaptured(['run', '--format', 'json'], { cwd: dir, steps });
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.steps.map((step: { step: string; status: string }) => `${step.step}:${step.status}`)).toEqual(['copy:failed', 'report:passed']);
    expect(document.notRun).toEqual(['note']);
    expect(existsSync(join(dir, '.modelci/evidence/note.json'))).toBe(false);
    const markdown = await readFile(join(dir, '.modelci/report.md'), 'utf8');
    expect(markdown).toMatch(/❌ \*\*failed\*\*: copy/);
  });
});
