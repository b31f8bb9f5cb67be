import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { usageError } from '../errors.js';
import { readEvidenceFolder } from '../evidence/read.js';
import type { Evidence } from '../evidence/record.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { displayPath } from '../files/paths.js';
import { buildReport } from '../report/document.js';
import { reportHtml } from '../report/html-page.js';
import { openMetricsText } from '../report/openmetrics.js';
import { renderReport } from '../report/render-report.js';
import { reportResult, type ReportData } from '../report/report-result.js';
import { REPORTED_RESULTS } from '../report/result-schemas.js';
import { applySticky, STICKY_MODES, type StickyOutcome } from '../report/sticky.js';
import { defineStep, type StepResult } from '../runner/types.js';

/** GitHub's job summary takes at most 1 MiB per step. */
const SUMMARY_LIMIT = 1_000_000;
/** Room for the hidden marker line above the report. */
const MARKER_ROOM = 400;

/** A render bundle holds evidence only; this caps what a fork's run can hand to the posting job. */
const MAX_BUNDLE_BYTES = 16 << 20;

const inputs = z.object({
  phase: z.enum(['all', 'render', 'post']).default('all').describe('all renders and posts. For pull requests from forks, split it: render (in the untrusted pull_request job) writes a bundle of validated evidence as an artifact and posts nothing; post (in a workflow_run job with write permission) reads the downloaded bundle with --evidence, validates it again, renders and posts.'),
  evidence: z.string().optional().describe('Folder of evidence to report (default `<out-dir>/evidence`); a downloaded artifact works too.'),
  key: z.string().optional().describe('Which report this is: one sticky comment per key (default: the workflow and job; give matrix legs their own key, e.g. `train-${{ matrix.python }}`).'),
  leg: z.string().optional().describe('Matrix legs that share a key share one comment: each leg (e.g. `python-${{ matrix.python }}`) owns its section and replaces only that.'),
  mode: z.enum(STICKY_MODES).default('upsert').describe('upsert edits the report comment or creates it; recreate deletes and posts anew; hide-and-recreate minimizes the old one (GitHub); delete removes it; only-create, only-update; skip-unchanged writes only when the content changed.'),
  comment: z.boolean().default(true).describe('Comment on the pull or merge request; false writes only the job summary and the files.'),
  title: z.string().default('modelci report').describe('The heading of the report.'),
  token: z.string().optional().describe('Token that writes the comment (GitHub: `pull-requests: write`, default GITHUB_TOKEN; GitLab: an access token with the `api` scope, default MODELCI_GITLAB_TOKEN).').meta({ secret: true }),
});

/** Options that cannot mean anything together are refused, instead of one of them being ignored. */
function refuseConflicts(input: z.infer<typeof inputs>): void {
  const conflict = (message: string, hint: string) => usageError(message, { code: 'input-conflict', hint });
  if (input.phase === 'render' && input.token !== undefined) {
    throw conflict('phase render posts nothing, so it takes no token', 'The render phase runs untrusted code (a fork\'s pull request): give the token only to the post job.');
  }
  if (!input.comment && input.mode !== 'upsert') {
    throw conflict(`mode ${input.mode} says what to do with the comment, but comment is false`, 'Drop one of them: comment: false writes only the job summary and the files.');
  }
  if (input.leg !== undefined && (input.mode === 'recreate' || input.mode === 'hide-and-recreate' || input.mode === 'delete')) {
    throw conflict(`mode ${input.mode} replaces the whole comment, which matrix legs share (leg ${input.leg})`, 'Use upsert, skip-unchanged, only-create or only-update with leg, or give each leg its own key.');
  }
}

function noComment(mode: ReportData['comment']['mode'], where: string | null, reason: string): ReportData['comment'] {
  return { where, mode, applied: 'none', id: null, url: null, previousId: null, reason, truncated: false, cuts: [], bytes: 0 };
}

export const reportStep = defineStep({
  name: 'report',
  description: 'Renders the evidence of the steps before it into one report: a sticky comment on the pull or merge request, the job summary, and a self-contained HTML file.',
  inputs,
  result: reportResult,
  runsAfterFailure: true,
  gitlabMetrics: 'metrics.txt',
  outputs: {
    'comment-id': 'Id of the report comment (empty when none was written).',
    'comment-url': 'Link to the report comment.',
    'previous-comment-id': 'Id of the comment this one edited or replaced.',
    'mode-applied': 'What was done: created, updated, unchanged, recreated, deleted, skipped or none.',
    truncated: "'true' when the comment was cut to fit the platform's limit.",
    bytes: 'Length of the comment body in characters.',
    html: 'Path of the HTML report.',
  },
  async run(input, ctx): Promise<StepResult<ReportData>> {
    refuseConflicts(input);
    if (input.phase === 'post' && !input.evidence) throw usageError('phase post reads the bundle the render phase wrote: pass --evidence with the folder it was downloaded to', { code: 'input-missing', hint: 'In the workflow_run job: download the artifact modelci-report-bundle, then run report with phase: post and evidence: <that folder>.' });
    const given = input.evidence ? resolve(ctx.cwd, input.evidence) : join(ctx.outDir, 'evidence');
    const dir = input.phase === 'post' ? await bundleFolder(given) : given;
    const shownDir = displayPath(ctx.cwd, dir);
    if (input.phase === 'post') await refuseLargeBundle(dir, shownDir);
    const folder = await readEvidenceFolder(dir, { shown: shownDir, results: REPORTED_RESULTS, skip: ['report.json'] });
    if (input.phase === 'post') refuseBadBundle(folder, displayPath(ctx.cwd, given), shownDir);
    for (const { file, reason } of folder.unreadable) ctx.platform.warning(`not in the report: ${reason}`, { file: `${shownDir}/${file}` });
    if (input.phase === 'render') return renderBundle(folder.records, folder.unreadable, join(ctx.outDir, BUNDLE_FOLDER), ctx.cwd);
    const doc = buildReport(folder.records, folder.unreadable, input.title);
    const markdownPath = join(ctx.outDir, 'report.md');
    const htmlPath = join(ctx.outDir, 'report.html');
    const summary = renderReport(doc, SUMMARY_LIMIT, 'the HTML report');
    await writeFileAtomic(markdownPath, `${summary.markdown}\n`);
    await writeFileAtomic(htmlPath, reportHtml(doc));
    const metricsPath = join(ctx.outDir, 'metrics.txt');
    await writeFileAtomic(metricsPath, openMetricsText(folder.records));
    const shown = (path: string) => displayPath(ctx.cwd, path);

    let comment = noComment(input.mode, null, 'comment: false');
    if (input.comment) {
      const thread = await ctx.platform.commentThread(input.token);
      if ('unavailable' in thread) {
        comment = noComment(input.mode, null, thread.unavailable);
        ctx.platform.warning(`No report comment: ${thread.unavailable}. The report is in the job summary and ${shown(htmlPath)}.`);
      } else {
        const whereFull = `the job summary (and ${shown(htmlPath)} in the artifacts)`;
        let body = renderReport(doc, thread.maxBody - MARKER_ROOM, whereFull);
        const fit = (limit: number) => (body = renderReport(doc, limit, whereFull)).markdown;
        const outcome: StickyOutcome = await applySticky(thread, { key: input.key ?? ctx.platform.run().job ?? 'modelci', body: body.markdown, mode: input.mode, fit, ...(input.leg !== undefined ? { leg: input.leg } : {}) }).catch(async (error: unknown) => {
          // The comment failed (a fork's read-only token, an outage): the job summary still gets the report.
          await ctx.platform.appendSummary(summary.markdown);
          throw error;
        });
        if (outcome.reason) ctx.platform.warning(`Report comment on ${thread.label} not written: ${outcome.reason}.`);
        else ctx.platform.info(`Report comment ${outcome.applied} on ${thread.label}${outcome.comment?.url ? `: ${outcome.comment.url}` : ''}`);
        comment = {
          where: thread.label,
          mode: input.mode,
          applied: outcome.applied,
          id: outcome.comment?.id ?? null,
          url: outcome.comment?.url ?? null,
          previousId: outcome.previous?.id ?? null,
          reason: outcome.reason ?? null,
          truncated: body.cuts.length > 0,
          cuts: body.cuts,
          bytes: body.markdown.length,
        };
      }
    }
    const data: ReportData = {
      records: folder.records.map((record) => ({ step: record.step, status: record.status, file: record.file })),
      unreadable: folder.unreadable,
      markdown: shown(markdownPath),
      html: shown(htmlPath),
      comment,
    };
    const failed = folder.records.filter((record) => record.status === 'failed').length;
    return {
      status: 'passed',
      summary: `${folder.records.length} step(s) reported${failed ? `, ${failed} failed` : ''}; comment: ${comment.applied}${comment.where ? ` on ${comment.where}` : ''}; ${shown(htmlPath)}`,
      data,
      outputs: {
        'comment-id': comment.id === null ? '' : String(comment.id),
        'comment-url': comment.url ?? '',
        'previous-comment-id': comment.previousId === null ? '' : String(comment.previousId),
        'mode-applied': comment.applied,
        truncated: String(comment.truncated),
        bytes: String(comment.bytes),
        html: shown(htmlPath),
      },
      markdown: summary.markdown,
      files: { inputs: folder.records.map((record) => record.absolute), outputs: [markdownPath, htmlPath, metricsPath] },
    };
  },
});

/** The folder the render phase bundles into, and where its records are in the downloaded artifact. */
const BUNDLE_FOLDER = 'report-bundle';

/**
 * Where post finds the records in what it was given. The artifact render uploads holds them in
 * report-bundle/, beside evidence/report.json (render's own record, which the runner adds), so a
 * downloaded artifact has them one folder down; the bundle folder itself works too.
 */
async function bundleFolder(given: string): Promise<string> {
  const inner = join(given, BUNDLE_FOLDER);
  return (await stat(inner).then((entry) => entry.isDirectory(), () => false)) ? inner : given;
}

/** A fork's job uploads the bundle, so post holds it to render's cap before reading a byte of it. */
async function refuseLargeBundle(dir: string, shownDir: string): Promise<void> {
  let bytes = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    bytes += await stat(join(dir, name)).then((entry) => (entry.isFile() ? entry.size : 0), () => 0);
    if (bytes > MAX_BUNDLE_BYTES) {
      throw usageError(`the report bundle in ${shownDir} is larger than ${MAX_BUNDLE_BYTES} bytes, the most the render phase writes`, { code: 'report-bundle-too-large', hint: 'The render phase writes only small, validated records: the artifact was changed after render.' });
    }
  }
}

/**
 * Post renders only a bundle render wrote: at least one record, and every file a valid record
 * (render writes nothing else). Anything less would post a report of nothing as passed, or leave a
 * step's failure out of the verdict.
 */
function refuseBadBundle(folder: { records: readonly unknown[]; unreadable: readonly { file: string; reason: string }[] }, shownGiven: string, shownDir: string): void {
  if (folder.unreadable.length) {
    throw usageError(`the report bundle in ${shownDir} holds ${folder.unreadable.length} file(s) that are not valid evidence records: ${folder.unreadable.map((entry) => entry.reason).join('; ')}`, { code: 'report-bundle-invalid', hint: 'The render phase writes only records it validated: the artifact was changed after render, or render and post run different modelci versions.' });
  }
  if (folder.records.length === 0) {
    throw usageError(`no report bundle in ${shownGiven}: no evidence records in it or in ${shownGiven}/${BUNDLE_FOLDER}, so there is nothing to report`, { code: 'report-bundle-missing', hint: `Download the artifact modelci-report-bundle (written by report with phase: render after the pipeline's steps) and pass that folder as evidence. An empty bundle means no step wrote evidence before render.` });
  }
}

/** The render phase: the validated records, written again from what validation kept, and nothing else. */
async function renderBundle(records: readonly (Evidence & { file: string })[], unreadable: { file: string; reason: string }[], dir: string, cwd: string): Promise<StepResult<ReportData>> {
  await rm(dir, { recursive: true, force: true });
  const files: string[] = [];
  let bytes = 0;
  for (const { file: _file, absolute: _absolute, ...record } of records as (Evidence & { file: string; absolute?: string })[]) {
    const text = `${JSON.stringify(record, null, 2)}\n`;
    bytes += Buffer.byteLength(text);
    if (bytes > MAX_BUNDLE_BYTES) throw usageError(`the report bundle would exceed ${MAX_BUNDLE_BYTES} bytes`, { code: 'report-bundle-too-large', hint: 'Evidence records are small; check what wrote the evidence folder.' });
    const path = join(dir, `${record.step}.json`);
    await writeFileAtomic(path, text);
    files.push(path);
  }
  const shownDir = displayPath(cwd, dir);
  return {
    status: 'passed',
    summary: `bundle of ${files.length} record(s) in ${shownDir}, for the post phase`,
    data: { records: records.map((record) => ({ step: record.step, status: record.status, file: record.file })), unreadable, markdown: '', html: '', comment: noComment('upsert', null, 'phase render posts nothing') },
    outputs: { 'comment-id': '', 'comment-url': '', 'previous-comment-id': '', 'mode-applied': 'none', truncated: 'false', bytes: '0', html: '' },
    files: { outputs: files },
    artifact: { name: 'modelci-report-bundle', files },
  };
}
