import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import { GitlabApi, gitlabApiSettings, type GitlabTokenKind } from '../../shared/platform/gitlab-api.js';

const TOKEN = 'glpat-s3cretTokenValue0123';
const PREFIX = '/gitlab/api/v4';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const fake = {
  url: '',
  seen: [] as Seen[],
  queued: [] as Answer[],
  notes: [] as { id: number; body: string; author: { username: string }; system: boolean }[],
};
let server: http.Server;

/** GitLab's answers for the routes modelci uses; anything else is a 404 the test would see. */
function route(method: string, path: string, query: URLSearchParams, body: unknown): Answer {
  const queued = fake.queued.shift();
  if (queued) return queued;
  if (!path.startsWith(PREFIX)) return { status: 404, body: { message: '404 Not Found' } };
  const rest = path.slice(PREFIX.length);
  if (method === 'GET' && rest === '/user') return { status: 200, body: { id: 42, username: 'project_7_bot', name: 'bot' } };
  const notes = /^\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(rest);
  if (!notes || decodeURIComponent(notes[1] ?? '') !== 'acme/churn') return { status: 404, body: { message: '404 Project Not Found' } };
  const noteId = notes[3];
  if (method === 'GET' && !noteId) {
    const perPage = Number(query.get('per_page') ?? 20);
    const page = Number(query.get('page') ?? 1);
    const hasNext = page * perPage < fake.notes.length;
    return { status: 200, body: fake.notes.slice((page - 1) * perPage, page * perPage), headers: { 'x-next-page': hasNext ? String(page + 1) : '', 'x-page': String(page) } };
  }
  if (method === 'POST' && !noteId) return { status: 201, body: { id: 700, body: (body as { body: string }).body, author: { username: 'project_7_bot' }, system: false } };
  if (method === 'PUT' && noteId) return { status: 200, body: { id: Number(noteId), body: (body as { body: string }).body } };
  if (method === 'DELETE' && noteId) return { status: 204 };
  return { status: 405, body: { message: '405 Method Not Allowed' } };
}

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      fake.seen.push({ method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers, body });
      const reply = route(request.method ?? 'GET', url.pathname, url.searchParams, body);
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  fake.seen = [];
  fake.queued = [];
  fake.notes = Array.from({ length: 230 }, (_, index) => ({ id: index + 1, body: `note ${index + 1}`, author: { username: index % 3 ? 'alice' : 'project_7_bot' }, system: index === 0 }));
});

function api(tokenKind: GitlabTokenKind = 'private', waits: number[] = [], mask?: (secret: string) => void): GitlabApi {
  return new GitlabApi({ baseUrl: `${fake.url}${PREFIX}`, token: TOKEN, tokenKind, project: 'acme/churn', ...(mask ? { mask } : {}), http: { sleep: async (ms) => void waits.push(ms), random: () => 0 } });
}

async function failure(work: Promise<unknown>): Promise<ModelciError> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ModelciError);
  return error as ModelciError;
}

describe('GitLab API (gitlab-api.ts) against a loopback GitLab', () => {
  it('pages through every merge request note by x-next-page, 100 at a time, on the base URL given', async () => {
    const masked: string[] = [];
    const notes = await api('private', [], (secret) => masked.push(secret)).listMergeRequestNotes(3);
    expect(notes).toHaveLength(230);
    expect(notes[0]).toEqual({ id: 1, body: 'note 1', author: 'project_7_bot', system: true });
    expect(notes[229]).toEqual({ id: 230, body: 'note 230', author: 'alice', system: false });
    expect(fake.seen.map((request) => [request.path, request.query.get('per_page'), request.query.get('page')])).toEqual([
      ['/gitlab/api/v4/projects/acme%2Fchurn/merge_requests/3/notes', '100', '1'],
      ['/gitlab/api/v4/projects/acme%2Fchurn/merge_requests/3/notes', '100', '2'],
      ['/gitlab/api/v4/projects/acme%2Fchurn/merge_requests/3/notes', '100', '3'],
    ]);
    expect(fake.seen[0]?.headers['private-token']).toBe(TOKEN);
    expect(fake.seen[0]?.headers['user-agent']).toMatch(/^modelci\//);
    expect(masked).toEqual([TOKEN]);
  });

  it('creates, updates and deletes a note, and finds its own user', async () => {
    const gitlab = api();
    expect(await gitlab.currentUser()).toEqual({ id: 42, username: 'project_7_bot' });
    expect(await gitlab.createMergeRequestNote(3, 'report <!-- modelci -->')).toEqual({ id: 700, body: 'report <!-- modelci -->', author: 'project_7_bot', system: false });
    await gitlab.updateMergeRequestNote(3, 700, 'report v2');
    await gitlab.deleteMergeRequestNote(3, 700);
    expect(fake.seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /gitlab/api/v4/user',
      'POST /gitlab/api/v4/projects/acme%2Fchurn/merge_requests/3/notes',
      'PUT /gitlab/api/v4/projects/acme%2Fchurn/merge_requests/3/notes/700',
      'DELETE /gitlab/api/v4/projects/acme%2Fchurn/merge_requests/3/notes/700',
    ]);
    expect(fake.seen[2]?.body).toEqual({ body: 'report v2' });
  });

  it('sends a CI job token as JOB-TOKEN', async () => {
    await api('job').currentUser();
    expect(fake.seen[0]?.headers['job-token']).toBe(TOKEN);
    expect(fake.seen[0]?.headers['private-token']).toBeUndefined();
  });

  it('waits what Retry-After says on a 403 and on a 429, then succeeds', async () => {
    fake.queued = [{ status: 403, headers: { 'retry-after': '4' }, body: { message: 'rate limited' } }, { status: 429, headers: { 'retry-after': '2' }, body: { message: 'Retry later' } }];
    const waits: number[] = [];
    expect((await api('private', waits).currentUser()).username).toBe('project_7_bot');
    expect(waits).toEqual([4000, 2000]);
    expect(fake.seen).toHaveLength(3);
  });

  it('retries a 502, then succeeds', async () => {
    fake.queued = [{ status: 502, body: { message: 'Bad Gateway' } }];
    const waits: number[] = [];
    expect(await api('private', waits).createMergeRequestNote(3, 'hello')).toMatchObject({ id: 700 });
    expect(waits).toHaveLength(1);
    expect(fake.seen.map((request) => request.method)).toEqual(['POST', 'POST']);
  });

  it('names the scope on a 403, says a job token cannot write notes, and never shows the token', async () => {
    fake.queued = [{ status: 403, body: { message: '403 Forbidden' } }];
    const error = await failure(api('job').createMergeRequestNote(3, 'hello'));
    expect(error.message).toBe('Could not comment on merge request !3 in project acme/churn: GitLab answered 403: 403 Forbidden');
    expect(error.code).toBe('gitlab-permission');
    expect(error.exitCode).toBe(3);
    expect(error.hint).toContain('`api` scope');
    expect(error.hint).toContain('job token');
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
  });

  it('fails an unreachable GitLab after retries with gitlab-unreachable, exit 3, without the token', async () => {
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((resolve) => dead.close(resolve));
    const waits: number[] = [];
    const gitlab = new GitlabApi({ baseUrl: `http://127.0.0.1:${port}/api/v4`, token: TOKEN, tokenKind: 'private', project: '7', http: { sleep: async (ms) => void waits.push(ms), random: () => 0 } });
    const error = await failure(gitlab.currentUser());
    expect(error.code).toBe('gitlab-unreachable');
    expect(error.exitCode).toBe(3);
    expect(waits.length).toBeGreaterThan(0);
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
  });

  it('takes the API base, project and token from the job, an access token before the job token', () => {
    const job = { CI_API_V4_URL: 'https://gitlab.test/api/v4', CI_PROJECT_ID: '7', CI_JOB_TOKEN: 'job-tok' };
    expect(gitlabApiSettings(job)).toEqual({ baseUrl: 'https://gitlab.test/api/v4', project: '7', token: 'job-tok', tokenKind: 'job' });
    expect(gitlabApiSettings({ ...job, MODELCI_GITLAB_TOKEN: 'glpat-x' })).toEqual({ baseUrl: 'https://gitlab.test/api/v4', project: '7', token: 'glpat-x', tokenKind: 'private' });
    expect(gitlabApiSettings({ CI_PROJECT_ID: '7', CI_JOB_TOKEN: 'job-tok' })).toBeUndefined();
  });
});
