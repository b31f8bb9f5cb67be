import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { githubThread } from '../../shared/platform/github-thread.js';
import type { CommentThread } from '../../shared/platform/types.js';
import { applySticky } from '../../shared/report/sticky.js';
import { FakeGithub } from '../servers/github/fake-github.js';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';

const fake = new FakeGithub();
let eventPath: string;

beforeAll(async () => {
  await fake.start();
  const dir = await mkdtemp(join(tmpdir(), 'modelci-sticky-'));
  eventPath = join(dir, 'event.json');
  await writeFile(eventPath, JSON.stringify({ pull_request: { number: 7, head: { repo: { full_name: 'acme/churn' } }, base: { repo: { full_name: 'acme/churn' } } } }));
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function env(run = 100, attempt = 1): NodeJS.ProcessEnv {
  return { GITHUB_API_URL: `${fake.url}/api/v3`, MODELCI_GITHUB_WRITE_INTERVAL_MS: '0', GITHUB_REPOSITORY: 'acme/churn', GITHUB_EVENT_PATH: eventPath, GITHUB_EVENT_NAME: 'pull_request', GITHUB_RUN_ID: String(run), GITHUB_RUN_ATTEMPT: String(attempt), GITHUB_TOKEN: 'ghs_testtoken0123456789' };
}

async function thread(run = 100, attempt = 1): Promise<CommentThread> {
  const opened = await githubThread(env(run, attempt), undefined, () => undefined, () => undefined);
  if ('unavailable' in opened) throw new Error(opened.unavailable);
  return opened;
}

const reports = () => fake.comments.filter((comment) => comment.body.startsWith('<!-- modelci-report key='));

/** A job's workspace for the report step: the churn evidence, empty output and summary files, and the runner's variables. */
async function stepWorkspace(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(repoRoot, 'test/fixtures/report/churn-second'), join(dir, 'evidence'), { recursive: true });
  const outputs = join(dir, 'outputs.txt');
  const summary = join(dir, 'summary.md');
  await writeFile(outputs, '');
  await writeFile(summary, '');
  const ghEnv = { ...env(), GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary, GITHUB_WORKFLOW: 'ci', GITHUB_JOB: 'evaluate' };
  return { dir, outputs, summary, ghEnv };
}

/** @actions/core reads the job's files from process.env, as on a runner: set them for `work`, then put process.env back. */
async function withProcessEnv(vars: NodeJS.ProcessEnv, work: () => Promise<void>): Promise<void> {
  const saved = { ...process.env };
  Object.assign(process.env, vars);
  try {
    await work();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe('the sticky report comment on GitHub (a loopback server checked by the OpenAPI description)', () => {
  it('creates on the first run and edits on the second: one comment, one listing pass plus one write', async () => {
    const first = await applySticky(await thread(), { key: 'ci/eval', body: 'first', mode: 'upsert' });
    expect(first.applied).toBe('created');
    fake.counts = { listPages: 0, writes: 0 };
    const second = await applySticky(await thread(101), { key: 'ci/eval', body: 'second', mode: 'upsert' });
    expect(second).toMatchObject({ applied: 'updated', previous: { id: first.comment!.id } });
    expect(fake.counts).toEqual({ listPages: 1, writes: 1 });
    expect(reports()).toHaveLength(1);
    expect(reports()[0]!.body).toMatch(/^<!-- modelci-report key="ci\/eval" hash="[0-9a-f]{16}" run="101" attempt="1" -->\nsecond$/);
    expect(fake.violations).toEqual([]);
  });

  it('finds its comment on page 2 of 150 and leaves a look-alike marker in another user\'s comment alone', async () => {
    for (let i = 0; i < 120; i++) fake.add(i % 3 ? 'alice' : 'bob', `comment ${i}`);
    const mine = await applySticky(await thread(), { key: 'k', body: 'mine', mode: 'upsert' });
    const impostor = fake.add('mallory', fake.comments.find((comment) => comment.id === mine.comment!.id)!.body.replace('mine', 'fake'));
    for (let i = 0; i < 29; i++) fake.add('alice', `later ${i}`);
    expect(fake.comments).toHaveLength(151);
    fake.counts = { listPages: 0, writes: 0 };
    const again = await applySticky(await thread(101), { key: 'k', body: 'updated', mode: 'upsert' });
    expect(again).toMatchObject({ applied: 'updated', comment: { id: mine.comment!.id } });
    expect(fake.counts).toEqual({ listPages: 2, writes: 1 });
    expect(fake.comments.find((comment) => comment.id === impostor.id)!.body).toContain('fake');
    expect(fake.violations).toEqual([]);
  });

  it('keeps one comment per key, never overwrites a later run, and skips unchanged content', async () => {
    await applySticky(await thread(), { key: 'a', body: 'A', mode: 'upsert' });
    await applySticky(await thread(), { key: 'b', body: 'B', mode: 'upsert' });
    expect(reports()).toHaveLength(2);
    await applySticky(await thread(200, 2), { key: 'a', body: 'A2', mode: 'upsert' });
    const stale = await applySticky(await thread(200, 1), { key: 'a', body: 'old', mode: 'upsert' });
    expect(stale).toMatchObject({ applied: 'skipped', reason: expect.stringContaining('a later run (200, attempt 2)') });
    expect(reports().find((comment) => comment.body.includes('key="a"'))!.body.endsWith('A2')).toBe(true);
    fake.counts = { listPages: 0, writes: 0 };
    expect((await applySticky(await thread(201), { key: 'b', body: 'B', mode: 'skip-unchanged' })).applied).toBe('unchanged');
    expect(fake.counts.writes).toBe(0);
  });

  it('recreates, hides (minimized as outdated, no longer counted) and deletes; only-create and only-update say why they did nothing', async () => {
    const created = await applySticky(await thread(), { key: 'k', body: 'one', mode: 'only-create' });
    expect((await applySticky(await thread(), { key: 'k', body: 'two', mode: 'only-create' })).reason).toBe('a report comment exists already (mode only-create)');
    const recreated = await applySticky(await thread(), { key: 'k', body: 'three', mode: 'recreate' });
    expect(recreated.comment!.id).not.toBe(created.comment!.id);
    expect(fake.comments.find((comment) => comment.id === created.comment!.id)).toBeUndefined();
    const hidden = await applySticky(await thread(), { key: 'k', body: 'four', mode: 'hide-and-recreate' });
    const old = fake.comments.find((comment) => comment.id === recreated.comment!.id)!;
    expect(old.minimized).toBe(true);
    expect(old.body.startsWith('<!-- modelci-report-retired ')).toBe(true);
    expect(reports().map((comment) => comment.id)).toEqual([hidden.comment!.id]);
    expect((await applySticky(await thread(), { key: 'k', body: '', mode: 'delete' })).applied).toBe('deleted');
    expect(reports()).toEqual([]);
    expect((await applySticky(await thread(), { key: 'k', body: 'x', mode: 'only-update' })).reason).toBe('there is no report comment to update (mode only-update)');
    expect(fake.violations).toEqual([]);
  });

  it('matrix legs sharing a key each own a section of the one comment and replace only their own', async () => {
    const legs = await Promise.all(['py3.10', 'py3.11', 'py3.12'].map(async (leg) => ({ leg, thread: await thread(400) })));
    await Promise.all(legs.map(({ leg, thread: opened }) => applySticky(opened, { key: 'matrix', leg, body: `result of ${leg}`, mode: 'upsert' })));
    expect(reports()).toHaveLength(1);
    const body = () => reports()[0]!.body;
    for (const leg of ['py3.10', 'py3.11', 'py3.12']) expect(body()).toContain(`<!-- modelci-leg ${leg} -->\nresult of ${leg}\n<!-- /modelci-leg ${leg} -->`);
    await applySticky(await thread(401), { key: 'matrix', leg: 'py3.11', body: 'rerun of py3.11', mode: 'upsert' });
    expect(body()).toContain('rerun of py3.11');
    expect(body()).toContain('result of py3.10');
    expect(body()).toContain('result of py3.12');
    expect(body().indexOf('py3.10')).toBeLessThan(body().indexOf('py3.11'));
  });

  it('matrix legs whose sections together pass the 65,536-character limit: a leg gets the room the others leave', async () => {
    const big = (leg: string) => `${leg}: ${'metric row\n'.repeat(4_000)}`;
    const fit = (leg: string) => (limit: number) => `${leg}: cut to ${limit} characters`.slice(0, limit);
    const a = await applySticky(await thread(500), { key: 'wide', leg: 'a', body: big('a'), mode: 'upsert', fit: fit('a') });
    expect(a.applied).toBe('created');
    const b = await applySticky(await thread(500), { key: 'wide', leg: 'b', body: big('b'), mode: 'upsert', fit: fit('b') });
    expect(b.applied).toBe('updated');
    const body = reports()[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain(big('a'));
    expect(body).toMatch(/<!-- modelci-leg b -->\nb: cut to \d+ characters\n<!-- \/modelci-leg b -->/);
    // Without a way to fit, the leg is not written, and says why (never a write GitHub refuses).
    const c = await applySticky(await thread(500), { key: 'wide', leg: 'c', body: big('c').repeat(2), mode: 'upsert' });
    expect(c).toMatchObject({ applied: 'skipped', reason: expect.stringContaining('exceed the 65,536-character limit') });
    expect(reports()[0]!.body).toBe(body);
    expect(fake.violations).toEqual([]);
  });

  it('two runs racing to create end with exactly one comment', async () => {
    const [a, b] = await Promise.all([thread(300), thread(300)]);
    await Promise.all([applySticky(a, { key: 'race', body: 'leg a', mode: 'upsert' }), applySticky(b, { key: 'race', body: 'leg b', mode: 'upsert' })]);
    expect(reports()).toHaveLength(1);
  });

  it('as a step on GitHub: posts, sets the outputs, and on a fork PR says what permission is missing while the summary is still written', async () => {
    const { dir, outputs, summary, ghEnv } = await stepWorkspace('modelci-report-gh-');
    await withProcessEnv(ghEnv, async () => {
      const token = 'ghs_explicitToken0123456789abcdef';
      const run = await runCliCaptured(['report', '--evidence', 'evidence', '--token', token, '--format', 'json'], { cwd: dir, env: ghEnv });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).comment).toMatchObject({ where: 'pull request #7', applied: 'created', truncated: false });
      expect(reports()[0]!.body).toMatch(/^<!-- modelci-report key="ci\/evaluate" /);
      expect(await readFile(outputs, 'utf8')).toMatch(/mode-applied<<[\s\S]*created/);
      expect(await readFile(summary, 'utf8')).toContain('## modelci report');
      for (const file of ['.modelci/report.md', '.modelci/report.html', '.modelci/metrics.txt', '.modelci/evidence/report.json', 'outputs.txt', 'summary.md']) expect(await readFile(join(dir, file), 'utf8'), file).not.toContain(token);
      expect(JSON.parse(await readFile(join(dir, '.modelci/evidence/report.json'), 'utf8')).parameters.token).toBe('***');
      fake.readOnly = true;
      await writeFile(summary, '');
      const fork = await runCliCaptured(['report', '--evidence', 'evidence', '--format', 'json'], { cwd: dir, env: ghEnv });
      expect(fork.code).toBe(3);
      expect(fork.stdout).toMatch(/pull-requests: write/);
      expect(await readFile(summary, 'utf8')).toContain('## modelci report');
      expect(fake.violations).toEqual([]);
    });
  });

  it('as a step on GitHub: waits out a 403 secondary rate limit (Retry-After) and retries a 502, then posts one comment', async () => {
    const { dir, ghEnv } = await stepWorkspace('modelci-report-gh-retry-');
    fake.queued.set('issues/list-comments', [{ status: 502, body: { message: 'Bad Gateway' } }]);
    fake.queued.set('issues/create-comment', [{ status: 403, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' } }]);
    await withProcessEnv(ghEnv, async () => {
      const started = Date.now();
      const run = await runCliCaptured(['report', '--evidence', 'evidence', '--format', 'json'], { cwd: dir, env: ghEnv });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(JSON.parse(run.stdout).comment).toMatchObject({ where: 'pull request #7', applied: 'created' });
      expect(fake.operations.filter((operation) => operation === 'issues/create-comment')).toHaveLength(2);
      expect(fake.operations.filter((operation) => operation === 'issues/list-comments').length).toBeGreaterThanOrEqual(2);
      expect(fake.queued.get('issues/list-comments')).toEqual([]);
      expect(reports()).toHaveLength(1);
      // (The job summary is not checked here: @actions/core keeps the summary file of the first step run in this process.)
      expect(fake.violations).toEqual([]);
    });
  });

  it('fork-safe pair: render writes a bundle of validated records only; post, on workflow_run, finds the PR from the head commit through the API and posts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-report-fork-'));
    await import('node:fs/promises').then((fs) => fs.cp(join(repoRoot, 'test/fixtures/report/churn-second'), join(dir, 'evidence'), { recursive: true, filter: (source) => !source.endsWith('.md') }));
    await writeFile(join(dir, 'evidence', 'notes.json'), '{"not": "evidence"}');
    const render = await runCliCaptured(['report', '--phase', 'render', '--evidence', 'evidence', '--format', 'json'], { cwd: dir });
    expect(render.code, render.stderr).toBe(0);
    const bundle = join(dir, '.modelci/report-bundle');
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(bundle)).sort()).toEqual(['compare.json', 'evaluate.json', 'push-model.json', 'train.json', 'validate-data.json']);
    expect(existsSync(join(dir, '.modelci/report.md'))).toBe(false);

    const runEvent = join(dir, 'workflow-run.json');
    await writeFile(runEvent, JSON.stringify({ workflow_run: { head_sha: 'f00d', head_branch: 'feature', event: 'pull_request' } }));
    fake.pullsOfCommit.set('f00d', [{ number: 3, headRef: 'other' }, { number: 9, headRef: 'feature' }]);
    const post = await runCliCaptured(['report', '--phase', 'post', '--evidence', '.modelci/report-bundle', '--comment', 'true', '--platform', 'local', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(post.stdout).comment.reason).toBe('a local run has no pull or merge request to comment on');
    const opened = await githubThread({ ...env(), GITHUB_EVENT_PATH: runEvent, GITHUB_EVENT_NAME: 'workflow_run' }, undefined, () => undefined, () => undefined);
    expect('label' in opened && opened.label).toBe('pull request #9');
    fake.pullsOfCommit.set('f00d', [{ number: 3, headRef: 'other' }]);
    expect(await githubThread({ ...env(), GITHUB_EVENT_PATH: runEvent, GITHUB_EVENT_NAME: 'workflow_run' }, undefined, () => undefined, () => undefined)).toEqual({ unavailable: 'this run (event workflow_run) belongs to no open pull request' });
    expect((await runCliCaptured(['report', '--phase', 'post'], { cwd: dir })).code).toBe(2);
  });

  it('never overwrites the report of the pull request\'s newer head with a run of an older head, whatever the run ids', async () => {
    const older = 'a'.repeat(40);
    const newer = 'b'.repeat(40);
    const dir = await mkdtemp(join(tmpdir(), 'modelci-heads-'));
    const at = async (run: number, head: string) => {
      const path = join(dir, `${run}.json`);
      // A fork-safe post job: the run id comes from when the render job ended, not from the commit's age.
      await writeFile(path, JSON.stringify({ workflow_run: { head_sha: head, head_branch: 'feature', event: 'pull_request' } }));
      const opened = await githubThread({ ...env(run), GITHUB_EVENT_PATH: path, GITHUB_EVENT_NAME: 'workflow_run' }, undefined, () => undefined, () => undefined);
      if ('unavailable' in opened) throw new Error(opened.unavailable);
      return opened;
    };
    fake.pullsOfCommit.set(older, [{ number: 7, headRef: 'feature' }]);
    fake.pullsOfCommit.set(newer, [{ number: 7, headRef: 'feature' }]);
    fake.pullHeads.set(7, newer);
    const first = await applySticky(await at(500, newer), { key: 'ci/eval', body: 'report of the newer head', mode: 'upsert' });
    expect(first.applied).toBe('created');
    expect(reports()[0]!.body).toContain(`head="${newer}"`);
    const stale = await applySticky(await at(501, older), { key: 'ci/eval', body: 'report of the older head', mode: 'upsert' });
    expect(stale).toMatchObject({ applied: 'skipped', reason: expect.stringContaining(`head commit ${newer.slice(0, 12)}, the pull request #7's head now, and this run reports the older ${older.slice(0, 12)}`) });
    expect(reports()).toHaveLength(1);
    expect(reports()[0]!.body.endsWith('report of the newer head')).toBe(true);
    // The same head again edits, without asking for the pull request: one listing pass plus one write.
    fake.operations = [];
    fake.counts = { listPages: 0, writes: 0 };
    expect((await applySticky(await at(502, newer), { key: 'ci/eval', body: 'again', mode: 'upsert' })).applied).toBe('updated');
    expect(fake.counts).toEqual({ listPages: 1, writes: 1 });
    expect(fake.operations).not.toContain('pulls/get');
    // Once the older head is the pull request's head again (a force-push back), its run may write.
    fake.pullHeads.set(7, older);
    expect((await applySticky(await at(503, older), { key: 'ci/eval', body: 'older is current', mode: 'upsert' })).applied).toBe('updated');
    expect(reports()[0]!.body).toContain(`head="${older}"`);
    expect(fake.violations).toEqual([]);
  });
});
