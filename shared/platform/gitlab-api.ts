import { environmentError, usageError, type ModelciError } from '../errors.js';
import { send, type HttpRequest, type HttpResponse, type SendOptions } from '../http/client.js';
import { errorText } from '../http/error-text.js';

export type GitlabTokenKind = 'private' | 'job';

export interface GitlabApiOptions {
  /** `https://gitlab.example.com/api/v4` (CI_API_V4_URL in a job). */
  baseUrl: string;
  token: string;
  /** A personal, project or group access token goes in PRIVATE-TOKEN; a CI job token in JOB-TOKEN. */
  tokenKind: GitlabTokenKind;
  /** The project id or its full path (`group/project`). */
  project: string;
  mask?: (secret: string) => void;
  signal?: AbortSignal;
  /** Retry and wait settings of the shared HTTP client (tests shorten the waits). */
  http?: Pick<SendOptions, 'retry' | 'sleep' | 'random' | 'timeoutMs'>;
}

export interface MergeRequestNote {
  id: number;
  body: string;
  author: string | undefined;
  system: boolean;
}

export interface GitlabUser {
  id: number;
  username: string;
}

/** A protected environment's approval settings: approval rules, or the older unified count. */
export interface ProtectedEnvironment {
  name: string;
  approvalRules: { required: number; who: string }[];
  /** The unified approval setting (`required_approval_count`, removed in GitLab 17.0); 0 when absent. */
  requiredApprovalCount: number;
}

export interface DeploymentApprovalEntry {
  username: string;
  status: 'approved' | 'rejected';
  createdAt: string;
  comment: string;
}

export interface GitlabDeployment {
  id: number;
  iid: number;
  status: string;
  sha: string;
  jobId: number | undefined;
  /** Approvals under the unified setting, with what is still pending. */
  approvals: DeploymentApprovalEntry[] | undefined;
  pendingApprovalCount: number | undefined;
  /** Approvals under multiple approval rules, per rule. */
  rules: { who: string; required: number; approvals: DeploymentApprovalEntry[] }[] | undefined;
}

interface RawApproval {
  user?: { username?: string };
  status?: string;
  created_at?: string;
  comment?: string | null;
}

interface RawRule {
  user_id?: number | null;
  group_id?: number | null;
  access_level?: number | null;
  access_level_description?: string;
  required_approvals?: number;
  deployment_approvals?: RawApproval[];
}

function approvalEntry(raw: RawApproval): DeploymentApprovalEntry {
  return { username: raw.user?.username ?? 'unknown', status: raw.status === 'approved' ? 'approved' : 'rejected', createdAt: raw.created_at ?? '', comment: raw.comment ?? '' };
}

function ruleName(rule: RawRule): string {
  if (rule.access_level_description) return rule.access_level_description;
  if (rule.group_id) return `group ${rule.group_id}`;
  if (rule.user_id) return `user ${rule.user_id}`;
  return `access level ${rule.access_level ?? '?'}`;
}

const UNREACHABLE = {
  code: 'gitlab-unreachable',
  hint: 'Check that GitLab is running and reachable from this job (CI_API_V4_URL); the request was retried.',
};

/**
 * The settings a GitLab CI job gives: API base, project, and a token. A token the user set
 * (MODELCI_GITLAB_TOKEN or GITLAB_TOKEN, an access token with the `api` scope) wins over the
 * job token, which cannot write merge request notes.
 */
export function gitlabApiSettings(env: NodeJS.ProcessEnv): Omit<GitlabApiOptions, 'mask' | 'signal' | 'http'> | undefined {
  const baseUrl = env.CI_API_V4_URL;
  const project = env.CI_PROJECT_ID ?? env.CI_PROJECT_PATH;
  const access = env.MODELCI_GITLAB_TOKEN || env.GITLAB_TOKEN;
  const token = access || env.CI_JOB_TOKEN;
  if (!baseUrl || !project || !token) return undefined;
  return { baseUrl, project, token, tokenKind: access ? 'private' : 'job' };
}

/** GitLab's REST API (v4) over the shared HTTP client: merge request notes and the current user. */
export class GitlabApi {
  private readonly base: string;

  constructor(private readonly options: GitlabApiOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch {
      throw usageError(`Invalid GitLab API URL '${options.baseUrl}'.`, { code: 'gitlab-url', hint: 'Use the API root, e.g. https://gitlab.example.com/api/v4 (CI_API_V4_URL in a job).' });
    }
    this.base = parsed.toString().replace(/\/+$/, '');
    options.mask?.(options.token);
  }

  private get where(): string {
    return `project ${this.options.project}`;
  }

  private url(path: string, query: Record<string, string | number> = {}): string {
    const url = new URL(`${this.base}/${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
    return url.toString();
  }

  private projectPath(rest: string): string {
    return `projects/${encodeURIComponent(this.options.project)}/${rest}`;
  }

  private async request(method: string, url: string, what: string, body?: unknown): Promise<HttpResponse> {
    const header = this.options.tokenKind === 'job' ? 'job-token' : 'private-token';
    const request: HttpRequest = {
      method,
      url,
      what,
      headers: { [header]: this.options.token, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    };
    return send(request, { unreachable: UNREACHABLE, signal: this.options.signal, credentialHeaders: [header], ...this.options.http });
  }

  private async expect<T>(response: HttpResponse, statuses: number[], what: string, permission: string): Promise<T> {
    if (statuses.includes(response.status)) return response.status === 204 ? (undefined as T) : response.json<T>();
    throw await this.failure(response, what, permission);
  }

  private async failure(response: HttpResponse, what: string, permission: string): Promise<ModelciError> {
    const message = `Could not ${what} in ${this.where}: GitLab answered ${response.status}: ${await errorText(response)}`;
    if (response.status === 401) {
      return environmentError(message, { code: 'gitlab-auth', hint: 'The token is invalid or expired: set a valid access token in MODELCI_GITLAB_TOKEN (a masked CI/CD variable).' });
    }
    if (response.status === 403 || response.status === 404) {
      const job = this.options.tokenKind === 'job'
        ? ' A CI job token cannot do this: set an access token with the `api` scope in MODELCI_GITLAB_TOKEN (a masked CI/CD variable).'
        : '';
      return environmentError(message, { code: 'gitlab-permission', hint: `The token needs ${permission}.${job}` });
    }
    return environmentError(message, { code: 'gitlab-api', hint: response.status >= 500 ? 'GitLab failed after retries; try again later.' : "See GitLab's message above." });
  }

  /** The token's own user (to find the notes it wrote). */
  async currentUser(): Promise<GitlabUser> {
    const what = 'find the user of the token';
    const response = await this.request('GET', this.url('user'), what);
    const user = await this.expect<{ id: number; username: string }>(response, [200], what, 'the `read_user` or `api` scope');
    return { id: user.id, username: user.username };
  }

  /** The merge request's head commit now (`sha`), to keep a newer head's report. */
  async mergeRequestHead(iid: number): Promise<string | undefined> {
    const what = `read merge request !${iid}`;
    const response = await this.request('GET', this.url(this.projectPath(`merge_requests/${iid}`)), what);
    const request = await this.expect<{ sha?: string | null }>(response, [200], what, 'Reporter access and the `read_api` scope');
    return request.sha ?? undefined;
  }

  /** Every note of a merge request, following `x-next-page` 100 at a time. */
  async listMergeRequestNotes(iid: number): Promise<MergeRequestNote[]> {
    const what = `list the notes of merge request !${iid}`;
    const notes: MergeRequestNote[] = [];
    for (let page: string | undefined = '1'; page; ) {
      const response = await this.request('GET', this.url(this.projectPath(`merge_requests/${iid}/notes`), { per_page: 100, page, sort: 'asc', order_by: 'created_at' }), what);
      const batch = await this.expect<{ id: number; body: string; author?: { username?: string }; system?: boolean }[]>(response, [200], what, 'Reporter access and the `read_api` scope');
      notes.push(...batch.map((note) => ({ id: note.id, body: note.body, author: note.author?.username, system: note.system === true })));
      const next = response.headers['x-next-page'];
      page = typeof next === 'string' && next.trim() !== '' ? next.trim() : undefined;
    }
    return notes;
  }

  async createMergeRequestNote(iid: number, body: string): Promise<MergeRequestNote> {
    const what = `comment on merge request !${iid}`;
    const response = await this.request('POST', this.url(this.projectPath(`merge_requests/${iid}/notes`)), what, { body });
    const note = await this.expect<{ id: number; body: string; author?: { username?: string } }>(response, [201], what, 'the `api` scope');
    return { id: note.id, body: note.body, author: note.author?.username, system: false };
  }

  async updateMergeRequestNote(iid: number, noteId: number, body: string): Promise<void> {
    const what = `update note ${noteId} on merge request !${iid}`;
    const response = await this.request('PUT', this.url(this.projectPath(`merge_requests/${iid}/notes/${noteId}`)), what, { body });
    await this.expect<unknown>(response, [200], what, 'the `api` scope and to be the author of the note');
  }

  /** A protected environment's approval settings; undefined when the environment is not protected. */
  async protectedEnvironment(name: string): Promise<ProtectedEnvironment | undefined> {
    const what = `read protected environment ${name}`;
    const response = await this.request('GET', this.url(this.projectPath(`protected_environments/${encodeURIComponent(name)}`)), what);
    if (response.status === 404 && this.options.tokenKind === 'private') {
      await response.drain();
      return undefined;
    }
    const raw = await this.expect<{ name: string; approval_rules?: RawRule[]; required_approval_count?: number }>(response, [200], what, 'the Maintainer role and the `api` (or `read_api`) scope');
    return {
      name: raw.name,
      approvalRules: (raw.approval_rules ?? []).map((rule) => ({ required: rule.required_approvals ?? 0, who: ruleName(rule) })),
      requiredApprovalCount: raw.required_approval_count ?? 0,
    };
  }

  /** The deployment a job made to an environment, looking through the environment's deployments newest first. */
  async jobDeployment(environment: string, jobId: number): Promise<GitlabDeployment | undefined> {
    const what = `list the deployments to ${environment}`;
    for (let page: string | undefined = '1'; page; ) {
      const response = await this.request('GET', this.url(this.projectPath('deployments'), { environment, order_by: 'id', sort: 'desc', per_page: 100, page }), what);
      const batch = await this.expect<{ id: number; deployable?: { id?: number } | null }[]>(response, [200], what, 'the Reporter role and the `read_api` scope');
      const found = batch.find((deployment) => deployment.deployable?.id === jobId);
      if (found) return this.deployment(found.id);
      const next = response.headers['x-next-page'];
      page = typeof next === 'string' && next.trim() !== '' ? next.trim() : undefined;
    }
    return undefined;
  }

  /** One deployment with its approvals (GitLab Premium sends them). */
  async deployment(id: number): Promise<GitlabDeployment> {
    const what = `read deployment ${id}`;
    const response = await this.request('GET', this.url(this.projectPath(`deployments/${id}`)), what);
    const raw = await this.expect<{
      id: number; iid: number; status: string; sha: string; deployable?: { id?: number } | null;
      approvals?: RawApproval[]; pending_approval_count?: number; approval_summary?: { rules?: RawRule[] };
    }>(response, [200], what, 'the Reporter role and the `read_api` scope');
    return {
      id: raw.id,
      iid: raw.iid,
      status: raw.status,
      sha: raw.sha,
      jobId: raw.deployable?.id ?? undefined,
      approvals: raw.approvals?.map(approvalEntry),
      pendingApprovalCount: raw.pending_approval_count,
      rules: raw.approval_summary?.rules?.map((rule) => ({ who: ruleName(rule), required: rule.required_approvals ?? 0, approvals: (rule.deployment_approvals ?? []).map(approvalEntry) })),
    };
  }

  async deleteMergeRequestNote(iid: number, noteId: number): Promise<void> {
    const what = `delete note ${noteId} on merge request !${iid}`;
    const response = await this.request('DELETE', this.url(this.projectPath(`merge_requests/${iid}/notes/${noteId}`)), what);
    // 404: another pipeline removed it first, which is what was wanted.
    await this.expect<unknown>(response, [204, 404], what, 'the `api` scope and to be the author of the note');
    await response.drain();
  }
}
