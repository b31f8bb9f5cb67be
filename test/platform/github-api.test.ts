import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import { GithubApi, githubApiSettings } from '../../shared/platform/github-api.js';
import { TOOL_VERSION } from '../../shared/version.js';
import { GithubDescription, requestViolations } from '../servers/github/openapi.js';

const TOKEN = 'ghs_s3cretTokenValue0123456789';
const PREFIX = '/api/v3';
const description = new GithubDescription();

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  headers: http.IncomingHttpHeaders;
  operation: string;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A loopback GitHub (Enterprise Server layout: REST under /api/v3, GraphQL at /api/graphql) that checks every REST request against the OpenAPI description. */
const fake = {
  url: '',
  seen: [] as Seen[],
  violations: [] as string[],
  /** Answers queued per operation id (or 'graphql'); the default answer is used once they run out. */
  queued: new Map<string, Answer[]>(),
  comments: [] as { id: number; node_id: string; body: string; user: { login: string }; html_url: string }[],
};
let server: http.Server;

function answer(operation: string, fallback: () => Answer): Answer {
  return fake.queued.get(operation)?.shift() ?? fallback();
}

function route(method: string, path: string, query: URLSearchParams, body: unknown): { operation: string; reply: Answer } {
  if (path === '/api/graphql') {
    const text = (body as { query?: string }).query ?? '';
    if (text.includes('viewer')) return { operation: 'graphql', reply: answer('graphql', () => ({ status: 200, body: { data: { viewer: { login: 'github-actions[bot]' } } } })) };
    return { operation: 'graphql', reply: answer('graphql', () => ({ status: 200, body: { data: { minimizeComment: { minimizedComment: { isMinimized: true } } } } })) };
  }
  const matched = path.startsWith(PREFIX) ? description.match(method, path.slice(PREFIX.length)) : undefined;
  if (!matched) {
    fake.violations.push(`${method} ${path} is no GitHub operation`);
    return { operation: 'none', reply: { status: 404, body: { message: 'Not Found' } } };
  }
  const { operation, params } = matched;
  fake.violations.push(...requestViolations(operation, params, query, body).map((problem) => `${method} ${path}: ${problem}`));
  const id = operation.operationId;
  const defaults: Record<string, () => Answer> = {
    'issues/list-comments': () => {
      const perPage = Number(query.get('per_page') ?? 30);
      const page = Number(query.get('page') ?? 1);
      const slice = fake.comments.slice((page - 1) * perPage, page * perPage);
      const next = page * perPage < fake.comments.length ? { link: `<${fake.url}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"` } : undefined;
      return { status: 200, body: slice, ...(next ? { headers: next } : {}) };
    },
    'issues/create-comment': () => ({ status: 201, body: { id: 900, node_id: 'IC_900', body: (body as { body: string }).body, user: { login: 'github-actions[bot]' }, html_url: 'https://github.test/c/900' } }),
    'issues/update-comment': () => ({ status: 200, body: { id: Number(params.comment_id), node_id: 'IC_x', body: (body as { body: string }).body } }),
    'issues/delete-comment': () => ({ status: 204 }),
    'repos/list-pull-requests-associated-with-commit': () => ({ status: 200, body: [{ number: 7, state: 'open', head: { ref: 'feature' } }] }),
    'repos/create-deployment': () => ({ status: 201, body: { id: 55, ref: (body as { ref: string }).ref, sha: 'abc123', environment: (body as { environment: string }).environment, created_at: '2026-01-01T00:00:00Z' } }),
    'repos/create-deployment-status': () => ({ status: 201, body: { id: 1, state: (body as { state: string }).state } }),
    'repos/list-deployments': () => ({ status: 200, body: [{ id: 55, ref: 'main', sha: 'abc123', environment: query.get('environment'), created_at: '2026-01-01T00:00:00Z' }] }),
    'repos/get-environment': () =>
      params.environment_name === 'production'
        ? { status: 200, body: { name: 'production', protection_rules: [{ id: 1, type: 'wait_timer', wait_timer: 30 }, { id: 2, type: 'required_reviewers', reviewers: [{ type: 'User', reviewer: { login: 'alice' } }, { type: 'Team', reviewer: { slug: 'ml-leads' } }] }], deployment_branch_policy: { protected_branches: true, custom_branch_policies: false } } }
        : { status: 404, body: { message: 'Not Found' } },
  };
  return { operation: id, reply: answer(id, defaults[id] ?? (() => ({ status: 500, body: { message: `no fake for ${id}` } }))) };
}

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      const { operation, reply } = route(request.method ?? 'GET', url.pathname, url.searchParams, body);
      fake.seen.push({ method: request.method ?? '', path: url.pathname, query: url.searchParams, body, headers: request.headers, operation });
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
  fake.violations = [];
  fake.queued.clear();
  fake.comments = Array.from({ length: 250 }, (_, index) => ({ id: index + 1, node_id: `IC_${index + 1}`, body: `comment ${index + 1}`, user: { login: index % 2 ? 'alice' : 'github-actions[bot]' }, html_url: `https://github.test/c/${index + 1}` }));
});

function api(extra: { fromFork?: boolean; warn?: (line: string) => void; mask?: (secret: string) => void } = {}): GithubApi {
  return new GithubApi({ token: TOKEN, repository: 'acme/churn', baseUrl: `${fake.url}${PREFIX}`, retryAfterBaseMs: 1, writeIntervalMs: 0, ...extra });
}

async function failure(work: Promise<unknown>): Promise<ModelciError> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ModelciError);
  return error as ModelciError;
}

describe('GitHub API (github-api.ts) against a loopback GitHub checked by its OpenAPI description', () => {
  it('pages through every comment 100 at a time, on the base URL given, as modelci/<version>, with the token masked', async () => {
    const masked: string[] = [];
    const comments = await api({ mask: (secret) => masked.push(secret) }).listIssueComments(5);
    expect(comments).toHaveLength(250);
    expect(comments[249]).toEqual({ id: 250, nodeId: 'IC_250', body: 'comment 250', author: 'alice', url: 'https://github.test/c/250' });
    expect(fake.seen.map((request) => [request.path, request.query.get('per_page'), request.query.get('page') ?? '1'])).toEqual([
      ['/api/v3/repos/acme/churn/issues/5/comments', '100', '1'],
      ['/api/v3/repos/acme/churn/issues/5/comments', '100', '2'],
      ['/api/v3/repos/acme/churn/issues/5/comments', '100', '3'],
    ]);
    expect(fake.seen[0]?.headers['user-agent']).toMatch(new RegExp(`^modelci/${TOOL_VERSION.replace(/\./g, '\\.')}`));
    expect(fake.seen[0]?.headers.authorization).toBe(`token ${TOKEN}`);
    expect(masked).toEqual([TOKEN]);
    expect(fake.violations).toEqual([]);
  });

  it('spaces content-creating requests one second apart by default, as GitHub asks (MODELCI_GITHUB_WRITE_INTERVAL_MS lowers it)', async () => {
    const github = new GithubApi({ token: TOKEN, repository: 'acme/churn', baseUrl: `${fake.url}${PREFIX}`, retryAfterBaseMs: 1 });
    const started = performance.now();
    await github.createComment(5, 'one');
    await github.updateComment(900, 'two');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(githubApiSettings({ MODELCI_GITHUB_WRITE_INTERVAL_MS: '0' }).writeIntervalMs).toBe(0);
    expect(githubApiSettings({ MODELCI_GITHUB_WRITE_INTERVAL_MS: 'soon' }).writeIntervalMs).toBeUndefined();
  });

  it('creates, updates and deletes a comment, and minimizes one through GraphQL (GHES: /api/graphql)', async () => {
    const github = api();
    const created = await github.createComment(5, 'report <!-- modelci -->');
    expect(created).toMatchObject({ id: 900, nodeId: 'IC_900', author: 'github-actions[bot]' });
    await github.updateComment(900, 'report v2');
    await github.minimizeComment('IC_12');
    await github.deleteComment(900);
    expect(fake.seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/v3/repos/acme/churn/issues/5/comments',
      'PATCH /api/v3/repos/acme/churn/issues/comments/900',
      'POST /api/graphql',
      'DELETE /api/v3/repos/acme/churn/issues/comments/900',
    ]);
    expect(fake.seen[2]?.body).toMatchObject({ variables: { id: 'IC_12', classifier: 'OUTDATED' } });
    expect(fake.violations).toEqual([]);
  });

  it("asks GraphQL for the token's own login, finds a commit's pull requests", async () => {
    const github = api();
    expect(await github.viewerLogin()).toBe('github-actions[bot]');
    expect(await github.pullRequestsOfCommit('abc123')).toEqual([{ number: 7, state: 'open', headRef: 'feature' }]);
    expect(fake.violations).toEqual([]);
  });

  it('creates a deployment and its statuses, lists deployments, reads environment protection', async () => {
    const github = api();
    const deployment = await github.createDeployment({ ref: 'main', environment: 'staging', description: 'churn v3', payload: { model: 'churn', version: '3' } });
    expect(deployment).toEqual({ id: 55, ref: 'main', sha: 'abc123', environment: 'staging', createdAt: '2026-01-01T00:00:00Z' });
    expect(fake.seen[0]?.body).toMatchObject({ auto_merge: false, required_contexts: [] });
    await github.createDeploymentStatus(55, { state: 'in_progress', logUrl: 'https://ci.test/run/1' });
    await github.createDeploymentStatus(55, { state: 'success', environmentUrl: 'https://staging.test' });
    expect((await github.listDeployments('staging')).map((each) => each.id)).toEqual([55]);
    expect(await github.environmentProtection('production')).toEqual({ name: 'production', waitTimer: 30, reviewers: ['alice', 'ml-leads'], branchPolicy: 'protected', reviewersRule: true, preventSelfReview: false, canAdminsBypass: undefined });
    expect(await github.environmentProtection('nowhere')).toBeUndefined();
    expect(fake.violations).toEqual([]);
  });

  it("waits out GitHub's secondary rate limit (403 with Retry-After), then succeeds", async () => {
    fake.queued.set('issues/create-comment', [{ status: 403, headers: { 'retry-after': '2' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } }]);
    const warnings: string[] = [];
    const created = await api({ warn: (line) => warnings.push(line) }).createComment(5, 'hello');
    expect(created.id).toBe(900);
    expect(fake.seen.filter((request) => request.operation === 'issues/create-comment')).toHaveLength(2);
    expect(warnings.join('\n')).toContain('secondary rate limit');
    expect(warnings.join('\n')).toContain('retrying in 2 s');
  });

  it('retries a 502, then succeeds', async () => {
    fake.queued.set('repos/list-pull-requests-associated-with-commit', [{ status: 502, body: { message: 'Bad Gateway' } }]);
    expect(await api().pullRequestsOfCommit('abc123')).toHaveLength(1);
    expect(fake.seen).toHaveLength(2);
  });

  it('names the missing permission on a 403, and never the token', async () => {
    fake.queued.set('issues/create-comment', [{ status: 403, body: { message: 'Resource not accessible by integration' } }]);
    const error = await failure(api().createComment(5, 'hello'));
    expect(error.message).toBe('Could not comment on #5 on acme/churn: GitHub answered 403: Resource not accessible by integration');
    expect(error.code).toBe('github-permission');
    expect(error.exitCode).toBe(3);
    expect(error.hint).toContain('pull-requests: write');
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
  });

  it('says the token is read-only on a pull request from a fork, and how the two-stage workflow avoids it', async () => {
    fake.queued.set('issues/create-comment', [{ status: 403, body: { message: 'Resource not accessible by integration' } }]);
    const error = await failure(api({ fromFork: true }).createComment(5, 'hello'));
    expect(error.hint).toContain('from a fork');
    expect(error.hint).toContain('read-only');
    expect(error.hint).toContain('workflow_run');
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
  });

  it('reports an invalid token as such, without repeating it', async () => {
    fake.queued.set('issues/list-comments', [{ status: 401, body: { message: 'Bad credentials' } }]);
    const error = await failure(api().listIssueComments(5));
    expect(error.code).toBe('github-auth');
    expect(`${error.message} ${error.hint}`).not.toContain(TOKEN);
  });

  it('takes the API URL (GitHub Enterprise Server), repository and fork from the job environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelci-gh-event-'));
    const event = join(dir, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { head: { repo: { full_name: 'someone/churn' } }, base: { repo: { full_name: 'acme/churn' } } } }));
    expect(githubApiSettings({ GITHUB_API_URL: 'https://ghes.test/api/v3', GITHUB_REPOSITORY: 'acme/churn', GITHUB_EVENT_PATH: event })).toEqual({ baseUrl: 'https://ghes.test/api/v3', repository: 'acme/churn', fromFork: true });
    writeFileSync(event, JSON.stringify({ pull_request: { head: { repo: { full_name: 'acme/churn' } }, base: { repo: { full_name: 'acme/churn' } } } }));
    expect(githubApiSettings({ GITHUB_EVENT_PATH: event }).fromFork).toBe(false);
    expect(githubApiSettings({})).toEqual({ baseUrl: 'https://api.github.com', repository: undefined, fromFork: false });
  });

  it('refuses a repository that is not owner/name', () => {
    expect(() => new GithubApi({ token: TOKEN, repository: 'churn' })).toThrow("Invalid repository 'churn'. Expected format {owner}/{repo}.");
  });
});
