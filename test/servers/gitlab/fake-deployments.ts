import type http from 'node:http';
import { listenJson, type JsonAnswer } from '../json-loopback.js';

export interface FakeProtectedEnvironment {
  name: string;
  /** Multiple approval rules: who (an access level description or a group) and how many approvals each needs. */
  approvalRules: { description: string; groupId?: number; required: number }[];
  /** The unified approval setting GitLab had before 17.0; omitted from the answer when undefined. */
  requiredApprovalCount?: number;
}

export interface FakeApproval {
  username: string;
  status: 'approved' | 'rejected';
  createdAt: string;
  comment?: string;
  /** Under multiple approval rules: the rule (by description) the approval counts for. */
  rule?: string;
}

export interface FakeGitlabDeployment {
  id: number;
  iid: number;
  environment: string;
  jobId: number;
  status: 'created' | 'running' | 'success' | 'failed' | 'canceled' | 'blocked';
  approvals: FakeApproval[];
}

const USERS = new Map([['glpat-maintainer-token-0123', { id: 3, username: 'release_bot', maintainer: true }], ['glpat-developer-token-0123', { id: 4, username: 'dev', maintainer: false }]]);

/**
 * A loopback GitLab (Premium) that keeps protected environments and deployments as GitLab does:
 * deployments listed by environment in pages with `x-next-page`, each with the job that made it;
 * a single deployment carries its approvals (`approvals` and `pending_approval_count` under the
 * unified setting, `approval_summary.rules` under approval rules). Protected environments need a
 * Maintainer's access token; a CI job token may read deployments (GitLab 16.2+) but not them.
 * Routes GitLab does not have, and query parameters it does not take, are recorded in `unknown`.
 */
export class FakeGitlabDeployments {
  url = '';
  protectedEnvironments = new Map<string, FakeProtectedEnvironment>();
  deployments: FakeGitlabDeployment[] = [];
  unknown: string[] = [];
  /** Every request, `METHOD path`, in order. */
  requests: string[] = [];
  private nextId = 700;
  private server?: { url: string; stop(): Promise<void> };

  reset(): void {
    this.protectedEnvironments.clear();
    this.deployments = [];
    this.unknown = [];
    this.requests = [];
  }

  addDeployment(environment: string, jobId: number, status: FakeGitlabDeployment['status'] = 'running', approvals: FakeApproval[] = []): FakeGitlabDeployment {
    const id = this.nextId++;
    const deployment = { id, iid: this.deployments.length + 1, environment, jobId, status, approvals };
    this.deployments.push(deployment);
    return deployment;
  }

  async start(): Promise<void> {
    this.server = await listenJson((method, path, query, _body, headers) => this.route(method, path, query, headers));
    this.url = this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }

  private approval(approval: FakeApproval) {
    return { user: { id: approval.username.length, username: approval.username, name: approval.username, state: 'active', avatar_url: '', web_url: `https://gitlab.test/${approval.username}` }, status: approval.status, created_at: approval.createdAt, comment: approval.comment ?? null };
  }

  private listed(deployment: FakeGitlabDeployment) {
    return {
      id: deployment.id, iid: deployment.iid, ref: 'main', sha: 'd'.repeat(40), created_at: '2026-12-06T20:00:00.000Z', updated_at: '2026-12-06T20:00:00.000Z', status: deployment.status,
      user: { id: 3, username: 'release_bot' }, deployable: { id: deployment.jobId, name: 'gate', status: deployment.status === 'running' ? 'running' : 'success' },
      environment: { id: deployment.environment.length, name: deployment.environment },
    };
  }

  private single(deployment: FakeGitlabDeployment) {
    const protection = this.protectedEnvironments.get(deployment.environment);
    const base = this.listed(deployment);
    if (!protection) return base;
    if (protection.approvalRules.length > 0) {
      return {
        ...base,
        approval_summary: {
          rules: protection.approvalRules.map((rule) => ({
            user_id: null, group_id: rule.groupId ?? null, access_level: rule.groupId ? null : 40, access_level_description: rule.description, required_approvals: rule.required,
            deployment_approvals: deployment.approvals.filter((approval) => approval.rule === rule.description).map((approval) => this.approval(approval)),
          })),
        },
      };
    }
    const required = protection.requiredApprovalCount ?? 0;
    const approved = deployment.approvals.filter((approval) => approval.status === 'approved').length;
    return { ...base, approvals: deployment.approvals.map((approval) => this.approval(approval)), pending_approval_count: Math.max(0, required - approved) };
  }

  private route(method: string, path: string, query: URLSearchParams, headers: http.IncomingHttpHeaders): JsonAnswer {
    this.requests.push(`${method} ${path}`);
    const user = USERS.get(String(headers['private-token'] ?? ''));
    const job = headers['job-token'] === 'ci-job-token-0123';
    if (!user && !job) return { status: 401, body: { message: '401 Unauthorized' } };
    const protectedMatch = /^\/api\/v4\/projects\/(\d+)\/protected_environments\/([^/]+)$/.exec(path);
    if (method === 'GET' && protectedMatch) {
      if (!user) return { status: 401, body: { message: '401 Unauthorized' } };
      if (!user.maintainer) return { status: 403, body: { message: '403 Forbidden' } };
      const protection = this.protectedEnvironments.get(decodeURIComponent(protectedMatch[2]!));
      if (!protection) return { status: 404, body: { message: '404 Not found' } };
      return {
        status: 200,
        body: {
          name: protection.name, deploy_access_levels: [{ id: 1, access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null, group_inheritance_type: 0 }],
          approval_rules: protection.approvalRules.map((rule, index) => ({ id: index + 1, user_id: null, group_id: rule.groupId ?? null, access_level: rule.groupId ? null : 40, access_level_description: rule.description, required_approvals: rule.required, group_inheritance_type: 0 })),
          ...(protection.requiredApprovalCount !== undefined ? { required_approval_count: protection.requiredApprovalCount } : {}),
        },
      };
    }
    if (method === 'GET' && /^\/api\/v4\/projects\/\d+\/deployments$/.test(path)) {
      for (const key of query.keys()) if (!['environment', 'order_by', 'sort', 'per_page', 'page', 'status', 'updated_after', 'updated_before', 'finished_after', 'finished_before'].includes(key)) this.unknown.push(`query parameter ${key}`);
      const environment = query.get('environment');
      const matches = this.deployments.filter((deployment) => !environment || deployment.environment === environment).sort((a, b) => (query.get('sort') === 'desc' ? b.id - a.id : a.id - b.id));
      const perPage = Math.min(100, Number(query.get('per_page') ?? 20));
      const page = Number(query.get('page') ?? 1);
      const more = page * perPage < matches.length;
      return { status: 200, body: matches.slice((page - 1) * perPage, page * perPage).map((deployment) => this.listed(deployment)), headers: { 'x-next-page': more ? String(page + 1) : '', 'x-page': String(page) } };
    }
    const singleMatch = /^\/api\/v4\/projects\/\d+\/deployments\/(\d+)$/.exec(path);
    if (method === 'GET' && singleMatch) {
      const deployment = this.deployments.find((candidate) => candidate.id === Number(singleMatch[1]));
      return deployment ? { status: 200, body: this.single(deployment) } : { status: 404, body: { message: '404 Not found' } };
    }
    if (method === 'PUT' && singleMatch) {
      // A deployment a CI job created cannot be updated through the API (lib/api/deployments.rb).
      return { status: 403, body: { message: '403 Forbidden - Deployments created using GitLab CI can not be updated using the API' } };
    }
    this.unknown.push(`${method} ${path}`);
    return { status: 404, body: { message: '404 Not Found' } };
  }
}
