import { listenJson, type JsonAnswer } from '../json-loopback.js';
import { GithubDescription, requestViolations, responseViolations } from './openapi.js';
import { graphqlViolations } from './graphql-schema.js';

export interface FakeComment {
  id: number;
  node_id: string;
  body: string;
  user: { login: string; id: number; node_id: string; type: string };
  minimized: boolean;
}

type Answer = JsonAnswer;

const PREFIX = '/api/v3';
const description = new GithubDescription();
const BOT = 'github-actions[bot]';

function user(login: string) {
  return { login, id: login.length, node_id: `U_${login}`, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

/**
 * A loopback GitHub (Enterprise Server layout) that keeps comments like GitHub does: each with
 * its author, pages of at most 100 with Link headers, minimized flags set through GraphQL. Every
 * REST request is checked against GitHub's OpenAPI description, and so is every answer it gives.
 */
export class FakeGithub {
  url = '';
  comments: FakeComment[] = [];
  violations: string[] = [];
  /** Requests by kind: list pages, writes (create, update, delete, minimize). */
  counts = { listPages: 0, writes: 0 };
  /** The login the token writes as. */
  viewer = BOT;
  /** A fork PR's token: every write is refused as GitHub refuses it. */
  readOnly = false;
  /** Open pull requests by head commit, for `commits/{sha}/pulls`. */
  pullsOfCommit = new Map<string, { number: number; headRef: string }[]>();
  private nextId = 1000;
  private server?: { url: string; stop(): Promise<void> };

  add(login: string, body: string): FakeComment {
    const id = this.nextId++;
    const comment = { id, node_id: `IC_${id}`, body, user: user(login), minimized: false };
    this.comments.push(comment);
    return comment;
  }

  reset(): void {
    this.comments = [];
    this.violations = [];
    this.counts = { listPages: 0, writes: 0 };
    this.viewer = BOT;
    this.readOnly = false;
    this.pullsOfCommit.clear();
  }

  async start(): Promise<void> {
    this.server = await listenJson((method, path, query, body) => this.route(method, path, query, body));
    this.url = this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private rest(comment: FakeComment) {
    const now = '2026-12-06T00:00:00Z';
    return {
      id: comment.id, node_id: comment.node_id, url: `${this.url}${PREFIX}/repos/acme/churn/issues/comments/${comment.id}`, body: comment.body,
      html_url: `https://github.test/acme/churn/pull/7#issuecomment-${comment.id}`, user: { ...comment.user, avatar_url: '', gravatar_id: null, url: '', html_url: '', followers_url: '', following_url: '', gists_url: '', starred_url: '', subscriptions_url: '', organizations_url: '', repos_url: '', events_url: '', received_events_url: '', site_admin: false },
      created_at: now, updated_at: now, issue_url: `${this.url}${PREFIX}/repos/acme/churn/issues/7`, author_association: 'NONE',
    };
  }

  private graphql(body: { query?: string; variables?: Record<string, unknown> & { id?: string } }): Answer {
    const query = body.query ?? '';
    this.violations.push(...graphqlViolations(query, body.variables ?? {}));
    if (query.includes('viewer')) return { status: 200, body: { data: { viewer: { login: this.viewer } } } };
    if (query.includes('minimizeComment')) {
      if (this.readOnly) return { status: 200, body: { errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] } };
      const comment = this.comments.find((candidate) => candidate.node_id === body.variables?.id);
      if (!comment) return { status: 200, body: { errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a node' }] } };
      this.counts.writes++;
      comment.minimized = true;
      return { status: 200, body: { data: { minimizeComment: { minimizedComment: { isMinimized: true } } } } };
    }
    return { status: 200, body: { errors: [{ message: 'unknown query' }] } };
  }

  private route(method: string, path: string, query: URLSearchParams, body: unknown): Answer {
    if (path === '/api/graphql') return this.graphql(body as { query?: string });
    const matched = path.startsWith(PREFIX) ? description.match(method, path.slice(PREFIX.length)) : undefined;
    if (!matched) {
      this.violations.push(`${method} ${path} is no GitHub operation`);
      return { status: 404, body: { message: 'Not Found' } };
    }
    const { operation, params } = matched;
    this.violations.push(...requestViolations(operation, params, query, body).map((problem) => `${method} ${path}: ${problem}`));
    const reply = this.answer(operation.operationId, params, query, body, path);
    // A pull request object has some sixty required fields; that answer is checked by the tests that read it.
    if (reply.status < 300 && operation.operationId !== 'repos/list-pull-requests-associated-with-commit') this.violations.push(...responseViolations(operation, reply.status, reply.body ?? null).filter(() => reply.body !== undefined));
    return reply;
  }

  private answer(id: string, params: Record<string, string>, query: URLSearchParams, body: unknown, path: string): Answer {
    const forbidden: Answer = { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };
    const find = () => this.comments.find((comment) => comment.id === Number(params.comment_id));
    switch (id) {
      case 'issues/list-comments': {
        this.counts.listPages++;
        const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
        const page = Number(query.get('page') ?? 1);
        const slice = this.comments.slice((page - 1) * perPage, page * perPage).map((comment) => this.rest(comment));
        const more = page * perPage < this.comments.length;
        return { status: 200, body: slice, ...(more ? { headers: { link: `<${this.url}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"` } } : {}) };
      }
      case 'issues/create-comment': {
        if (this.readOnly) return forbidden;
        this.counts.writes++;
        return { status: 201, body: this.rest(this.add(this.viewer, (body as { body: string }).body)) };
      }
      case 'issues/update-comment': {
        if (this.readOnly) return forbidden;
        const comment = find();
        if (!comment) return { status: 404, body: { message: 'Not Found' } };
        if (comment.user.login !== this.viewer) return forbidden;
        this.counts.writes++;
        comment.body = (body as { body: string }).body;
        return { status: 200, body: this.rest(comment) };
      }
      case 'issues/delete-comment': {
        if (this.readOnly) return forbidden;
        const comment = find();
        if (!comment) return { status: 404, body: { message: 'Not Found' } };
        if (comment.user.login !== this.viewer) return forbidden;
        this.counts.writes++;
        this.comments = this.comments.filter((candidate) => candidate !== comment);
        return { status: 204 };
      }
      case 'repos/list-pull-requests-associated-with-commit':
        return { status: 200, body: (this.pullsOfCommit.get(params.commit_sha!) ?? []).map((pull) => ({ number: pull.number, state: 'open', head: { ref: pull.headRef } })) };
      default:
        return { status: 500, body: { message: `no fake for ${id}` } };
    }
  }
}
