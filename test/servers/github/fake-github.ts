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

/** An environment's settings, as its Settings page holds them. */
export interface FakeEnvironment {
  name: string;
  /** Users (login) and teams (slug) of the required-reviewers rule. */
  reviewers: { type: 'User' | 'Team'; name: string }[];
  /** Whether the required-reviewers rule exists (it may list nobody). */
  reviewersRule: boolean;
  /** Omitted from the answer when undefined, as GitHub's OpenAPI description omits it. */
  canAdminsBypass?: boolean;
  preventSelfReview?: boolean;
}

/** One entry of a workflow run's review log. */
export interface FakeReview {
  state: 'approved' | 'rejected' | 'pending';
  environments: string[];
  user: string;
  comment: string;
}

export interface FakeDeploymentStatus {
  id: number;
  state: string;
  description: string;
  logUrl: string;
  createdAt: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  description: string | null;
  payload: Record<string, unknown> | string;
  production: boolean;
  createdAt: string;
  /** Oldest first. */
  statuses: FakeDeploymentStatus[];
}

type Answer = JsonAnswer;

const PREFIX = '/api/v3';
const description = new GithubDescription();
const BOT = 'github-actions[bot]';

function user(login: string) {
  return { login, id: login.length, node_id: `U_${login}`, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
}

/** A user as the REST answers carry it (GitHub's simple-user). */
function restUser(login: string) {
  return { ...user(login), avatar_url: '', gravatar_id: null, url: '', html_url: '', followers_url: '', following_url: '', gists_url: '', starred_url: '', subscriptions_url: '', organizations_url: '', repos_url: '', events_url: '', received_events_url: '', site_admin: false };
}

function restTeam(slug: string) {
  return { id: slug.length, node_id: `T_${slug}`, url: '', members_url: '', name: slug, slug, description: null, permission: 'pull', html_url: '', repositories_url: '', parent: null, type: 'organization' };
}

/**
 * A loopback GitHub (Enterprise Server layout) that keeps comments like GitHub does: each with
 * its author, pages of at most 100 with Link headers, minimized flags set through GraphQL. Every
 * REST request is checked against GitHub's OpenAPI description, and so is every answer it gives.
 */
/** GitHub refuses a comment body over 65,536 characters, as the real API does (422). */
function tooLong(body: unknown): Answer | undefined {
  const text = (body as { body?: string }).body ?? '';
  if (text.length <= 65_536) return undefined;
  return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] } };
}

/** Operations answered with the few fields of a pull request modelci reads, not its sixty required ones. */
const PARTIAL_PULL_ANSWERS = new Set(['repos/list-pull-requests-associated-with-commit', 'pulls/get']);

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
  /** Pull requests' head commits now, by number, for `pulls/{number}`. */
  pullHeads = new Map<number, string>();
  environments = new Map<string, FakeEnvironment>();
  /** Workflow runs' review logs, by run id. */
  reviews = new Map<number, FakeReview[]>();
  deployments: FakeDeployment[] = [];
  /** Operations answered 403, as for a token lacking their permission. */
  denied = new Set<string>();
  /** Every REST operation served, in order (`repos/create-deployment`, ...). */
  operations: string[] = [];
  /** Answers given, once each and in order, to the next requests of an operation, before its state changes (a 403 rate limit, a 502). */
  queued = new Map<string, Answer[]>();
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
    this.pullHeads.clear();
    this.environments.clear();
    this.reviews.clear();
    this.deployments = [];
    this.denied.clear();
    this.operations = [];
    this.queued.clear();
  }

  /** A deployment made before the test, with its statuses (oldest first). */
  addDeployment(environment: string, states: string[]): FakeDeployment {
    const id = this.nextId++;
    const deployment: FakeDeployment = { id, sha: 'a'.repeat(40), ref: 'a'.repeat(40), environment, description: null, payload: {}, production: environment === 'production', createdAt: '2026-12-01T00:00:00Z', statuses: [] };
    for (const state of states) deployment.statuses.push({ id: this.nextId++, state, description: '', logUrl: '', createdAt: deployment.createdAt });
    this.deployments.push(deployment);
    return deployment;
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
      html_url: `https://github.test/acme/churn/pull/7#issuecomment-${comment.id}`, user: restUser(comment.user.login),
      created_at: now, updated_at: now, issue_url: `${this.url}${PREFIX}/repos/acme/churn/issues/7`, author_association: 'NONE',
    };
  }

  private restEnvironment(environment: FakeEnvironment) {
    const now = '2026-12-01T00:00:00Z';
    const rules: unknown[] = [];
    if (environment.reviewersRule) {
      rules.push({
        id: 1, node_id: 'GA_1', type: 'required_reviewers', prevent_self_review: environment.preventSelfReview ?? false,
        reviewers: environment.reviewers.map((reviewer) => ({ type: reviewer.type, reviewer: reviewer.type === 'User' ? restUser(reviewer.name) : restTeam(reviewer.name) })),
      });
    }
    return {
      id: environment.name.length, node_id: `EN_${environment.name}`, name: environment.name, url: `${this.url}${PREFIX}/repos/acme/churn/environments/${environment.name}`, html_url: `https://github.test/acme/churn/deployments/activity_log?environments_filter=${environment.name}`,
      created_at: now, updated_at: now, protection_rules: rules, deployment_branch_policy: null,
      ...(environment.canAdminsBypass !== undefined ? { can_admins_bypass: environment.canAdminsBypass } : {}),
    };
  }

  private restDeployment(deployment: FakeDeployment) {
    const url = `${this.url}${PREFIX}/repos/acme/churn/deployments/${deployment.id}`;
    return {
      url, id: deployment.id, node_id: `DE_${deployment.id}`, sha: deployment.sha, ref: deployment.ref, task: 'deploy', payload: deployment.payload, environment: deployment.environment, description: deployment.description,
      creator: restUser(this.viewer), created_at: deployment.createdAt, updated_at: deployment.createdAt, statuses_url: `${url}/statuses`, repository_url: `${this.url}${PREFIX}/repos/acme/churn`, production_environment: deployment.production,
    };
  }

  private restStatus(deployment: FakeDeployment, status: FakeDeploymentStatus) {
    const deploymentUrl = `${this.url}${PREFIX}/repos/acme/churn/deployments/${deployment.id}`;
    return {
      url: `${deploymentUrl}/statuses/${status.id}`, id: status.id, node_id: `DES_${status.id}`, state: status.state, creator: restUser(this.viewer), description: status.description, environment: deployment.environment,
      target_url: status.logUrl, log_url: status.logUrl, created_at: status.createdAt, updated_at: status.createdAt, deployment_url: deploymentUrl, repository_url: `${this.url}${PREFIX}/repos/acme/churn`,
    };
  }

  private page<T>(items: T[], query: URLSearchParams, path: string): Answer {
    const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
    const page = Number(query.get('page') ?? 1);
    const more = page * perPage < items.length;
    return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), ...(more ? { headers: { link: `<${this.url}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"` } } : {}) };
  }

  private deploymentAnswer(id: string, params: Record<string, string>, query: URLSearchParams, body: unknown, path: string): Answer | undefined {
    const deployment = () => this.deployments.find((candidate) => candidate.id === Number(params.deployment_id));
    switch (id) {
      case 'repos/get-environment': {
        const environment = this.environments.get(params.environment_name!);
        return environment ? { status: 200, body: this.restEnvironment(environment) } : { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/deployments/environments#get-an-environment' } };
      }
      case 'actions/get-reviews-for-run':
        return {
          status: 200,
          body: (this.reviews.get(Number(params.run_id)) ?? []).map((review) => ({
            state: review.state, comment: review.comment, user: restUser(review.user),
            environments: review.environments.map((name) => ({ id: name.length, node_id: `EN_${name}`, name, url: '', html_url: '', created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z' })),
          })),
        };
      case 'repos/create-deployment': {
        const request = body as { ref: string; environment?: string; description?: string; payload?: Record<string, unknown> | string; production_environment?: boolean };
        const environment = request.environment ?? 'production';
        const created: FakeDeployment = {
          id: this.nextId++, sha: /^[0-9a-f]{40}$/.test(request.ref) ? request.ref : 'b'.repeat(40), ref: request.ref, environment, description: request.description ?? null, payload: request.payload ?? {},
          production: request.production_environment ?? environment === 'production', createdAt: '2026-12-06T00:00:00Z', statuses: [],
        };
        this.deployments.push(created);
        return { status: 201, body: this.restDeployment(created) };
      }
      case 'repos/list-deployments': {
        const matches = this.deployments.filter((candidate) => ['environment', 'sha', 'ref'].every((key) => !query.has(key) || query.get(key) === candidate[key as 'environment' | 'sha' | 'ref']));
        return this.page(matches.reverse().map((candidate) => this.restDeployment(candidate)), query, path);
      }
      case 'repos/list-deployment-statuses': {
        const found = deployment();
        if (!found) return { status: 404, body: { message: 'Not Found' } };
        return this.page([...found.statuses].reverse().map((status) => this.restStatus(found, status)), query, path);
      }
      case 'repos/create-deployment-status': {
        const found = deployment();
        if (!found) return { status: 404, body: { message: 'Not Found' } };
        const request = body as { state: string; description?: string; log_url?: string; target_url?: string; auto_inactive?: boolean };
        const status = { id: this.nextId++, state: request.state, description: request.description ?? '', logUrl: request.log_url ?? request.target_url ?? '', createdAt: '2026-12-06T00:00:01Z' };
        found.statuses.push(status);
        // GitHub's auto_inactive: earlier successful deployments of the same non-production environment.
        if (request.state === 'success' && request.auto_inactive !== false) {
          for (const other of this.deployments) {
            if (other === found || other.environment !== found.environment || other.production || other.statuses.at(-1)?.state !== 'success') continue;
            other.statuses.push({ id: this.nextId++, state: 'inactive', description: '', logUrl: '', createdAt: status.createdAt });
          }
        }
        return { status: 201, body: this.restStatus(found, status) };
      }
      default:
        return undefined;
    }
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
    this.operations.push(operation.operationId);
    const queued = this.queued.get(operation.operationId)?.shift();
    if (queued) return queued;
    const reply = this.denied.has(operation.operationId)
      ? { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } }
      : this.deploymentAnswer(operation.operationId, params, query, body, path) ?? this.answer(operation.operationId, params, query, body, path);
    // A pull request object has some sixty required fields; that answer is checked by the tests that read it.
    if (operation.responses.has(reply.status) && !PARTIAL_PULL_ANSWERS.has(operation.operationId)) this.violations.push(...responseViolations(operation, reply.status, reply.body ?? null).filter(() => reply.body !== undefined));
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
        if (tooLong(body)) return tooLong(body)!;
        this.counts.writes++;
        return { status: 201, body: this.rest(this.add(this.viewer, (body as { body: string }).body)) };
      }
      case 'issues/update-comment': {
        if (this.readOnly) return forbidden;
        const comment = find();
        if (!comment) return { status: 404, body: { message: 'Not Found' } };
        if (comment.user.login !== this.viewer) return forbidden;
        if (tooLong(body)) return tooLong(body)!;
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
      case 'pulls/get': {
        const sha = this.pullHeads.get(Number(params.pull_number));
        return sha ? { status: 200, body: { number: Number(params.pull_number), state: 'open', head: { sha } } } : { status: 404, body: { message: 'Not Found' } };
      }
      case 'repos/list-pull-requests-associated-with-commit':
        return { status: 200, body: (this.pullsOfCommit.get(params.commit_sha!) ?? []).map((pull) => ({ number: pull.number, state: 'open', head: { ref: pull.headRef } })) };
      default:
        return { status: 500, body: { message: `no fake for ${id}` } };
    }
  }
}
