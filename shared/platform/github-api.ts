import { readFileSync } from 'node:fs';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { Octokit } from '@octokit/rest';
import { environmentError, ModelciError, usageError } from '../errors.js';
import { TOOL_VERSION } from '../version.js';

const GithubOctokit = Octokit.plugin(throttling, retry);
type Client = InstanceType<typeof GithubOctokit>;

/** Retries of a rate-limited or failed request before the error reaches the caller. */
const LIMIT_RETRIES = 3;

export interface GithubApiOptions {
  token: string;
  /** The repository as `owner/name`. */
  repository: string;
  /** GitHub Enterprise Server: `https://host/api/v3`. */
  baseUrl?: string;
  /** A pull request from a fork: GitHub gives its token read access only, which the hints say. */
  fromFork?: boolean;
  /** Hide the token in all later log lines. */
  mask?: (secret: string) => void;
  /** Where rate-limit waits are reported. */
  warn?: (line: string) => void;
  /** One second of Retry-After, in ms (tests shorten it). */
  retryAfterBaseMs?: number;
  /**
   * The pause between content-creating requests, in ms: GitHub asks for at least one second
   * (its secondary rate limits), which is the default. GitHub Enterprise Server with lifted
   * limits, and loopback test servers, may set less.
   */
  writeIntervalMs?: number | undefined;
}

export interface IssueComment {
  id: number;
  nodeId: string;
  body: string;
  author: string | undefined;
  url: string;
}

export interface CommitPullRequest {
  number: number;
  state: string;
  headRef: string;
}

export interface DeploymentRequest {
  ref: string;
  environment: string;
  description?: string;
  payload?: Record<string, unknown>;
  productionEnvironment?: boolean;
}

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface DeploymentStatusRequest {
  state: DeploymentState;
  description?: string;
  environmentUrl?: string;
  logUrl?: string;
  /** GitHub's own marking of earlier deployments inactive (default true; it skips production environments). */
  autoInactive?: boolean;
}

/** One entry of a workflow run's review log: who approved or rejected which environments. */
export interface RunReview {
  state: 'approved' | 'rejected' | 'pending';
  environments: string[];
  reviewer: string;
  comment: string;
}

export interface Deployment {
  id: number;
  ref: string;
  sha: string;
  environment: string;
  createdAt: string;
}

export interface EnvironmentProtection {
  name: string;
  /** Minutes GitHub waits before a job on this environment may start. */
  waitTimer: number | undefined;
  /** Users and teams whose approval the environment requires. */
  reviewers: string[];
  /** Whether only protected or listed branches may deploy. */
  branchPolicy: 'protected' | 'custom' | undefined;
  /** Whether the environment has a required-reviewers rule at all (it may list nobody). */
  reviewersRule: boolean;
  /** "Prevent self-review": the one who started the run may not approve it. */
  preventSelfReview: boolean;
  /** "Allow administrators to bypass configured protection rules"; undefined when GitHub did not say. */
  canAdminsBypass: boolean | undefined;
}

/** The settings a GitHub Actions job gives: API base, repository, whether the PR comes from a fork. */
export function githubApiSettings(env: NodeJS.ProcessEnv): { baseUrl: string; repository: string | undefined; fromFork: boolean; writeIntervalMs: number | undefined } {
  const interval = env.MODELCI_GITHUB_WRITE_INTERVAL_MS;
  return {
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY,
    fromFork: forkPullRequest(env.GITHUB_EVENT_PATH),
    writeIntervalMs: interval !== undefined && /^\d+$/.test(interval) ? Number(interval) : undefined,
  };
}

function forkPullRequest(eventPath: string | undefined): boolean {
  if (!eventPath) return false;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8')) as { pull_request?: { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } } };
    const head = event.pull_request?.head?.repo?.full_name;
    return event.pull_request !== undefined && head !== event.pull_request.base?.repo?.full_name;
  } catch {
    return false;
  }
}

/**
 * The one place that talks to GitHub's API: Octokit with the throttling plugin (waits out
 * primary and secondary rate limits, as GitHub asks integrators to) and the retry plugin
 * (5xx and network errors). Every failure says what was done, on which repository, and the
 * likely fix, naming the permission the token lacks.
 */
export class GithubApi {
  readonly owner: string;
  readonly repo: string;
  private readonly octokit: Client;

  constructor(private readonly options: GithubApiOptions) {
    const [owner, repo, ...rest] = options.repository.split('/');
    if (!owner || !repo || rest.length > 0) {
      throw usageError(`Invalid repository '${options.repository}'. Expected format {owner}/{repo}.`, { code: 'github-repository', hint: 'GitHub sets GITHUB_REPOSITORY in every job; outside one, pass the repository as owner/name.' });
    }
    this.owner = owner;
    this.repo = repo;
    options.mask?.(options.token);
    const warn = options.warn ?? (() => undefined);
    const base = options.retryAfterBaseMs ?? 1000;
    const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number): boolean => {
      if (retryCount >= LIMIT_RETRIES) return false;
      warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}: retrying in ${retryAfter} s (${retryCount + 1} of ${LIMIT_RETRIES}).`);
      return true;
    };
    this.octokit = new GithubOctokit({
      auth: options.token,
      baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      userAgent: `modelci/${TOOL_VERSION}`,
      log: { debug: () => undefined, info: () => undefined, warn, error: () => undefined },
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: base,
        ...(options.writeIntervalMs !== undefined ? { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs }) } : {}),
      },
      retry: { retries: LIMIT_RETRIES, retryAfterBaseValue: base },
    });
  }

  private get where(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** Runs one API call; a failure becomes an error naming what, where, and the permission to grant. */
  private async call<T>(what: string, permission: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ModelciError) throw error;
      throw this.failure(error, what, permission);
    }
  }

  private failure(error: unknown, what: string, permission: string | undefined): ModelciError {
    const status = (error as { status?: number }).status;
    const data = (error as { response?: { data?: { message?: string } } }).response?.data;
    const reason = status === undefined ? (error instanceof Error ? error.message : String(error)) : `GitHub answered ${status}${data?.message ? `: ${data.message}` : ''}`;
    const message = `Could not ${what} on ${this.where}: ${reason}`;
    if (status === undefined || status >= 500) {
      return environmentError(message, { code: 'github-unreachable', hint: 'GitHub did not answer after retries; check https://www.githubstatus.com, or GITHUB_API_URL on GitHub Enterprise Server.', cause: error });
    }
    if (status === 401) return environmentError(message, { code: 'github-auth', hint: 'The token is invalid or expired: pass a valid token (the job\'s GITHUB_TOKEN or a PAT).' });
    if ((status === 403 || status === 404) && this.options.fromFork && permission?.endsWith(': write')) {
      return environmentError(message, {
        code: 'github-permission',
        hint: `This run is a pull request from a fork, where GitHub makes the token read-only (no ${permission}). Run this step in a second workflow on \`workflow_run\`, which gets a write token and reads the first run's artifacts.`,
      });
    }
    if ((status === 403 || status === 404) && permission) {
      return environmentError(message, { code: 'github-permission', hint: `The token lacks '${permission}': give the job \`permissions:\` with \`${permission}\` (or grant it to the PAT or GitHub App).` });
    }
    return environmentError(message, { code: 'github-api', hint: 'See GitHub\'s message above.' });
  }

  /** Every comment of an issue or pull request, paging 100 at a time (busy threads have hundreds). */
  listIssueComments(issue: number): Promise<IssueComment[]> {
    return this.call(`list the comments of #${issue}`, 'pull-requests: read', async () => {
      const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, { owner: this.owner, repo: this.repo, issue_number: issue, per_page: 100 });
      return comments.map((comment) => ({ id: comment.id, nodeId: comment.node_id, body: comment.body ?? '', author: comment.user?.login, url: comment.html_url }));
    });
  }

  createComment(issue: number, body: string): Promise<IssueComment> {
    return this.call(`comment on #${issue}`, 'pull-requests: write', async () => {
      const { data } = await this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: issue, body });
      return { id: data.id, nodeId: data.node_id, body: data.body ?? '', author: data.user?.login, url: data.html_url };
    });
  }

  updateComment(commentId: number, body: string): Promise<void> {
    return this.call(`update comment ${commentId}`, 'pull-requests: write', async () => {
      await this.octokit.rest.issues.updateComment({ owner: this.owner, repo: this.repo, comment_id: commentId, body });
    });
  }

  /** A comment already gone (another run removed it) counts as deleted. */
  deleteComment(commentId: number): Promise<void> {
    return this.call(`delete comment ${commentId}`, 'pull-requests: write', async () => {
      await this.octokit.rest.issues.deleteComment({ owner: this.owner, repo: this.repo, comment_id: commentId }).catch((error: { status?: number }) => {
        if (error.status !== 404) throw error;
      });
    });
  }

  /** Folds a comment away as outdated (GraphQL `minimizeComment`; REST has no such call). */
  minimizeComment(nodeId: string, classifier: 'OUTDATED' | 'RESOLVED' = 'OUTDATED'): Promise<void> {
    return this.call(`minimize comment ${nodeId}`, 'pull-requests: write', async () => {
      await this.octokit.graphql('mutation($id: ID!, $classifier: ReportedContentClassifiers!) { minimizeComment(input: { subjectId: $id, classifier: $classifier }) { minimizedComment { isMinimized } } }', { id: nodeId, classifier });
    });
  }

  /** The token's own login: GraphQL `viewer`, which installation tokens may ask (unlike GET /user). */
  viewerLogin(): Promise<string> {
    return this.call('find the login of the token', undefined, async () => {
      const answer = await this.octokit.graphql<{ viewer: { login: string } }>('query { viewer { login } }');
      return answer.viewer.login;
    });
  }

  /** The pull request's head commit now, to keep a newer head's report. */
  pullRequestHead(number: number): Promise<string> {
    return this.call(`read pull request #${number}`, 'pull-requests: read', async () => {
      const { data } = await this.octokit.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number });
      return data.head.sha;
    });
  }

  /** The pull requests a commit belongs to (a push to a PR branch finds its PR this way). */
  pullRequestsOfCommit(sha: string): Promise<CommitPullRequest[]> {
    return this.call(`find the pull requests of commit ${sha}`, 'pull-requests: read', async () => {
      const { data } = await this.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner: this.owner, repo: this.repo, commit_sha: sha, per_page: 100 });
      return data.map((pull) => ({ number: pull.number, state: pull.state, headRef: pull.head.ref }));
    });
  }

  createDeployment(request: DeploymentRequest): Promise<Deployment> {
    return this.call(`create a deployment of ${request.ref} to ${request.environment}`, 'deployments: write', async () => {
      const { data, status } = await this.octokit.rest.repos.createDeployment({
        owner: this.owner,
        repo: this.repo,
        ref: request.ref,
        environment: request.environment,
        auto_merge: false,
        // The gate decides on its own evidence; GitHub's commit-status check would be a second, silent gate.
        required_contexts: [],
        ...(request.description ? { description: request.description } : {}),
        ...(request.payload ? { payload: request.payload } : {}),
        ...(request.productionEnvironment !== undefined ? { production_environment: request.productionEnvironment } : {}),
      });
      if (status !== 201 || !('id' in data)) {
        const said = 'message' in data && data.message ? `: ${data.message}` : '';
        throw environmentError(`Could not create a deployment of ${request.ref} on ${this.where}: GitHub answered ${status}${said}`, { code: 'github-api', hint: 'GitHub is merging the default branch into the ref first (auto_merge is off, so this should not happen); retry the job.' });
      }
      return { id: data.id, ref: data.ref, sha: data.sha, environment: data.environment, createdAt: data.created_at };
    });
  }

  createDeploymentStatus(deploymentId: number, request: DeploymentStatusRequest): Promise<void> {
    return this.call(`record ${request.state} on deployment ${deploymentId}`, 'deployments: write', async () => {
      await this.octokit.rest.repos.createDeploymentStatus({
        owner: this.owner,
        repo: this.repo,
        deployment_id: deploymentId,
        state: request.state,
        ...(request.description ? { description: request.description } : {}),
        ...(request.environmentUrl ? { environment_url: request.environmentUrl } : {}),
        ...(request.logUrl ? { log_url: request.logUrl } : {}),
        ...(request.autoInactive !== undefined ? { auto_inactive: request.autoInactive } : {}),
      });
    });
  }

  /** The newest status of a deployment; undefined when it has none yet. */
  latestDeploymentStatus(deploymentId: number): Promise<DeploymentState | undefined> {
    return this.call(`read the status of deployment ${deploymentId}`, 'deployments: read', async () => {
      const { data } = await this.octokit.rest.repos.listDeploymentStatuses({ owner: this.owner, repo: this.repo, deployment_id: deploymentId, per_page: 1 });
      return data[0]?.state;
    });
  }

  /** The review log of a workflow run (environment approvals and rejections), all pages. */
  runReviews(runId: number): Promise<RunReview[]> {
    return this.call(`read the approvals of workflow run ${runId}`, 'actions: read', async () => {
      const { data } = await this.octokit.rest.actions.getReviewsForRun({ owner: this.owner, repo: this.repo, run_id: runId });
      return data.map((review) => ({
        state: review.state,
        environments: review.environments.map((environment) => environment.name ?? '').filter((name) => name !== ''),
        reviewer: review.user.login,
        comment: review.comment,
      }));
    });
  }

  /** Deployments to an environment, newest first, all pages. */
  listDeployments(environment: string): Promise<Deployment[]> {
    return this.call(`list the deployments to ${environment}`, 'deployments: read', async () => {
      const deployments = await this.octokit.paginate(this.octokit.rest.repos.listDeployments, { owner: this.owner, repo: this.repo, environment, per_page: 100 });
      return deployments.map((data) => ({ id: data.id, ref: data.ref, sha: data.sha, environment: data.environment, createdAt: data.created_at }));
    });
  }

  /** An environment's protection rules; undefined when the repository has no such environment. */
  environmentProtection(environment: string): Promise<EnvironmentProtection | undefined> {
    return this.call(`read the protection rules of environment ${environment}`, 'actions: read', async () => {
      try {
        const { data } = await this.octokit.rest.repos.getEnvironment({ owner: this.owner, repo: this.repo, environment_name: environment });
        let waitTimer: number | undefined;
        let reviewersRule = false;
        let preventSelfReview = false;
        const reviewers: string[] = [];
        for (const rule of data.protection_rules ?? []) {
          if ('wait_timer' in rule && typeof rule.wait_timer === 'number') waitTimer = rule.wait_timer;
          if (rule.type === 'required_reviewers') {
            reviewersRule = true;
            preventSelfReview = 'prevent_self_review' in rule && rule.prevent_self_review === true;
          }
          if ('reviewers' in rule) {
            for (const reviewer of rule.reviewers ?? []) {
              const who = reviewer.reviewer as { login?: string; slug?: string } | undefined;
              const name = who?.login ?? who?.slug;
              if (name) reviewers.push(name);
            }
          }
        }
        const policy = data.deployment_branch_policy;
        const branchPolicy = !policy ? undefined : policy.protected_branches ? 'protected' : 'custom';
        // Sent by GitHub since 2023 but not in its OpenAPI description (hence not in Octokit's types).
        const bypass = (data as { can_admins_bypass?: unknown }).can_admins_bypass;
        return { name: data.name, waitTimer, reviewers, branchPolicy, reviewersRule, preventSelfReview, canAdminsBypass: typeof bypass === 'boolean' ? bypass : undefined };
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }
    });
  }
}
