import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitlabThread } from '../../shared/platform/gitlab-thread.js';
import type { CommentThread } from '../../shared/platform/types.js';
import { applySticky } from '../../shared/report/sticky.js';
import { FakeGitlabNotes } from '../servers/gitlab/fake-notes.js';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';

const fake = new FakeGitlabNotes();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function env(pipeline = 100, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CI_API_V4_URL: `${fake.url}/api/v4`, CI_PROJECT_ID: '7', CI_MERGE_REQUEST_IID: '3', CI_PIPELINE_ID: String(pipeline), MODELCI_GITLAB_TOKEN: 'glpat-bot-token-0123456789', ...extra };
}

function thread(pipeline = 100): CommentThread {
  const opened = gitlabThread(env(pipeline), undefined, () => undefined);
  if ('unavailable' in opened) throw new Error(opened.unavailable);
  return opened;
}

const reports = () => fake.notes.filter((note) => note.body.startsWith('<!-- modelci-report key='));

describe('the sticky report note on GitLab (a loopback notes server)', () => {
  it('creates, then edits in one listing pass plus one write, across pages, skipping system notes and other users\' look-alikes', async () => {
    const created = await applySticky(thread(), { key: 'eval', body: 'one', mode: 'upsert' });
    expect(created.applied).toBe('created');
    for (let i = 0; i < 130; i++) fake.add(i % 2 ? 'alice' : 'bob', `note ${i}`, i % 5 === 0);
    fake.add('mallory', fake.notes[0]!.body);
    fake.add('project_7_bot', fake.notes[0]!.body, true);
    fake.counts = { listPages: 0, writes: 0 };
    const updated = await applySticky(thread(101), { key: 'eval', body: 'two', mode: 'upsert' });
    expect(updated).toMatchObject({ applied: 'updated', comment: { id: created.comment!.id } });
    expect(fake.counts).toEqual({ listPages: 2, writes: 1 });
    expect(reports().filter((note) => note.author.username === 'project_7_bot' && !note.system).map((note) => note.body.endsWith('two'))).toEqual([true]);
    expect(fake.unknown).toEqual([]);
  });

  it('deletes and recreates (GitLab cannot minimize), and two racing pipelines leave one note', async () => {
    const first = await applySticky(thread(), { key: 'k', body: 'a', mode: 'upsert' });
    const hidden = await applySticky(thread(), { key: 'k', body: 'b', mode: 'hide-and-recreate' });
    expect(fake.notes.map((note) => note.id)).toEqual([hidden.comment!.id]);
    expect(hidden.previous!.id).toBe(first.comment!.id);
    fake.reset();
    await Promise.all([applySticky(thread(200), { key: 'race', body: 'x', mode: 'upsert' }), applySticky(thread(200), { key: 'race', body: 'y', mode: 'upsert' })]);
    expect(reports()).toHaveLength(1);
  });

  it('says why there is no note: no merge request, or only the CI job token, with the fix', () => {
    expect(gitlabThread(env(1, { CI_MERGE_REQUEST_IID: '' }), undefined, () => undefined)).toEqual({ unavailable: expect.stringContaining('belongs to no merge request') });
    const job = gitlabThread({ ...env(), MODELCI_GITLAB_TOKEN: '', CI_JOB_TOKEN: 'job-token' }, undefined, () => undefined);
    expect(job).toEqual({ unavailable: expect.stringMatching(/CI_JOB_TOKEN cannot write merge request notes: set a project access token with the `api` scope in a masked CI\/CD variable MODELCI_GITLAB_TOKEN/) });
  });

  it('never overwrites the report of the merge request\'s newer head with a pipeline of an older head', async () => {
    const older = 'c'.repeat(40);
    const newer = 'd'.repeat(40);
    const at = (pipeline: number, head: string) => {
      const opened = gitlabThread(env(pipeline, { CI_COMMIT_SHA: 'e'.repeat(40), CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: head }), undefined, () => undefined);
      if ('unavailable' in opened) throw new Error(opened.unavailable);
      return opened;
    };
    fake.heads.set(3, newer);
    await applySticky(at(900, newer), { key: 'ci', body: 'newer head', mode: 'upsert' });
    const stale = await applySticky(at(901, older), { key: 'ci', body: 'older head', mode: 'upsert' });
    expect(stale).toMatchObject({ applied: 'skipped', reason: expect.stringContaining(`head commit ${newer.slice(0, 12)}, the merge request !3's head now`) });
    expect(reports()).toHaveLength(1);
    expect(reports()[0]!.body).toContain(`head="${newer}"`);
    expect(reports()[0]!.body.endsWith('newer head')).toBe(true);
    expect(fake.unknown).toEqual([]);
  });

  it('as a step in a GitLab job with only CI_JOB_TOKEN: says why there is no note, names the fix, and still writes the report files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-report-gl-'));
    await cp(join(repoRoot, 'test/fixtures/report/churn-second'), join(dir, 'evidence'), { recursive: true });
    const jobEnv = { ...env(950), MODELCI_GITLAB_TOKEN: '', GITLAB_CI: 'true', CI_JOB_TOKEN: 'job-token-0123456789', CI_JOB_NAME: 'evaluate' };
    const run = await runCliCaptured(['report', '--evidence', 'evidence', '--format', 'json'], { cwd: dir, env: jobEnv });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { comment: { applied: string; reason: string } };
    expect(result.comment.applied).toBe('none');
    expect(result.comment.reason).toMatch(/CI_JOB_TOKEN cannot write merge request notes: set a project access token with the `api` scope in a masked CI\/CD variable MODELCI_GITLAB_TOKEN/);
    expect(run.stderr + run.stdout).toContain('CI_JOB_TOKEN cannot write merge request notes');
    for (const file of ['.modelci/report.md', '.modelci/report.html', '.modelci/metrics.txt']) expect((await readFile(join(dir, file), 'utf8')).length, file).toBeGreaterThan(0);
    expect(await readFile(join(dir, '.modelci/report.md'), 'utf8')).not.toContain('job-token-0123456789');
    expect(fake.notes).toEqual([]);
    expect(fake.counts.writes).toBe(0);
  });
});
