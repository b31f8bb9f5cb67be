import { ModelciError } from '../errors.js';
import { GithubApi, githubApiSettings, type EnvironmentProtection, type RunReview } from './github-api.js';
import { githubRunInfo } from './run-info.js';
import type { Approval, ApprovalVerdict, DeploymentGate, DeploymentRecord, DeploymentState } from './deployments.js';

const BYPASS_SETTING = '"Allow administrators to bypass configured protection rules"';

/** GitHub shows required reviewers on private repositories of every plan, but asks them only with GitHub Enterprise. */
const PRIVATE_REPO_HINT = 'on a private or internal repository GitHub enforces required reviewers only with GitHub Enterprise: elsewhere the rule is shown but nobody is asked, so no approval is ever recorded';

export interface GithubDeploymentsOptions {
  api: GithubApi;
  /** GITHUB_RUN_ID: whose review log holds the approvals. */
  runId: number | undefined;
  /** The run's page, every status's log URL. */
  runUrl: string | undefined;
  /** The commit the run built: the ref of every deployment it opens. */
  sha: string | undefined;
  /** Who started the run (self-approval is named in the verdict). */
  actor: string | undefined;
  info?: (line: string) => void;
  warn?: (line: string) => void;
  /** When the review log was read (GitHub's log carries no times of its own); tests pin it. */
  now?: () => Date;
}

const mention = (names: string[]) => names.map((name) => `@${name}`).join(', ');

function settingsFix(environment: string, change: string): string {
  return `in Settings → Environments → ${environment}, ${change}`;
}

/** What is wrong with an environment's protection for a gate that relies on its reviewers; undefined when nothing is. */
function protectionProblem(environment: string, protection: EnvironmentProtection | undefined): Pick<ApprovalVerdict, 'detail' | 'fix'> | undefined {
  if (!protection) {
    return {
      detail: `environment ${environment} does not exist, so nobody is asked to approve`,
      fix: `create environment ${environment} (Settings → Environments → New environment) with required reviewers and ${BYPASS_SETTING} turned off, and give the gate job \`environment: ${environment}\``,
    };
  }
  if (!protection.reviewersRule || protection.reviewers.length === 0) {
    return {
      detail: `environment ${environment} has ${protection.reviewersRule ? 'a required-reviewers rule listing nobody' : 'no required reviewers'}, so nobody is asked to approve`,
      fix: settingsFix(environment, 'tick "Required reviewers" and add at least one person or team'),
    };
  }
  if (protection.canAdminsBypass !== false) {
    return {
      detail: protection.canAdminsBypass
        ? `environment ${environment} lets administrators bypass its reviewers (${mention(protection.reviewers)})`
        : `GitHub did not say whether administrators may bypass the reviewers of environment ${environment} (no can_admins_bypass in its answer), so the gate cannot rely on them`,
      fix: settingsFix(environment, `turn off ${BYPASS_SETTING}`),
    };
  }
  return undefined;
}

/**
 * The gate's approvals and deployments on GitHub. An environment's reviewers are trusted only
 * when GitHub actually asked them: the rule must exist, admins must not be able to bypass it, and
 * this run's review log must hold an approval for the environment (the private-repository case,
 * where GitHub shows the rule but enforces nothing, leaves the log empty).
 */
export class GithubDeployments implements DeploymentGate {
  constructor(private readonly options: GithubDeploymentsOptions) {}

  private get api(): GithubApi {
    return this.options.api;
  }

  async verifyApprovals(environment: string): Promise<ApprovalVerdict> {
    const protection = await this.api.environmentProtection(environment);
    const problem = protectionProblem(environment, protection);
    if (problem) return { passed: false, approvals: [], ...problem };
    const rules = `required reviewers ${mention(protection!.reviewers)}, admins cannot bypass`;
    const runId = this.options.runId;
    if (!runId) {
      return { passed: false, approvals: [], detail: `environment ${environment}: ${rules}; but this is no workflow run (GITHUB_RUN_ID is not set), so no approval can be read`, fix: `run the gate in a GitHub Actions job with \`environment: ${environment}\`` };
    }
    const reviews = (await this.api.runReviews(runId)).filter((review) => review.environments.includes(environment));
    const rejected = reviews.filter((review) => review.state === 'rejected');
    if (rejected.length > 0) {
      return { passed: false, approvals: [], detail: `environment ${environment}: ${rules}; rejected in run ${runId} by ${rejected.map(describe).join('; ')}` };
    }
    const approved = reviews.filter((review) => review.state === 'approved');
    if (approved.length === 0) {
      return {
        passed: false,
        approvals: [],
        detail: `environment ${environment}: ${rules}; but run ${runId} holds no approval for it`,
        fix: `give the gate job \`environment: ${environment}\` so GitHub asks its reviewers before the job starts; ${PRIVATE_REPO_HINT}`,
      };
    }
    const at = (this.options.now ?? (() => new Date()))().toISOString();
    const approvals: Approval[] = approved.map((review) => ({ reviewer: review.reviewer, at, ...(review.comment ? { comment: review.comment } : {}) }));
    const self = !protection!.preventSelfReview && approved.some((review) => review.reviewer === this.options.actor) ? ` (self-review allowed: @${this.options.actor} started the run)` : '';
    return {
      passed: true,
      approvals,
      detail: `environment ${environment}: ${rules}; approved in run ${runId} by ${approved.map(describe).join('; ')}${self}; read at ${at} (GitHub's review log records no times)`,
    };
  }

  async startDeployment(request: { environment: string; ref: string; description: string; payload?: Record<string, unknown> }): Promise<DeploymentRecord> {
    // The ref is the commit that decided, so the deployment links to the workflow run's code; the model version travels in the payload.
    const ref = this.options.sha ?? request.ref;
    const deployment = await this.api.createDeployment({ ref, environment: request.environment, description: request.description, ...(request.payload ? { payload: request.payload } : {}) });
    // Its statuses (in_progress first) are the gate's to report.
    return new GithubDeploymentRecord(this.api, deployment.id, request.environment, this.options.runUrl, this.options.info, this.options.warn);
  }
}

function describe(review: RunReview): string {
  return `@${review.reviewer}${review.comment ? ` ("${review.comment}")` : ''}`;
}

class GithubDeploymentRecord implements DeploymentRecord {
  readonly id: string;
  readonly url?: string;

  constructor(
    private readonly api: GithubApi,
    private readonly deploymentId: number,
    private readonly environment: string,
    private readonly logUrl: string | undefined,
    private readonly info: ((line: string) => void) | undefined,
    private readonly warn: ((line: string) => void) | undefined,
  ) {
    this.id = String(deploymentId);
    if (logUrl) this.url = logUrl;
  }

  async report(state: DeploymentState, description: string): Promise<void> {
    // GitHub's auto_inactive skips production environments, the stage that matters most: earlier deployments are retired here for every environment alike.
    await this.api.createDeploymentStatus(this.deploymentId, { state, description: description.slice(0, 140), ...(this.logUrl ? { logUrl: this.logUrl } : {}), autoInactive: false });
    if (state !== 'success') return;
    // The promotion stands once its success is recorded: a deployment left active is a warning, not a failed gate.
    await this.retireEarlier().catch((error: unknown) => {
      const hint = error instanceof ModelciError && error.hint ? ` ${error.hint}` : '';
      this.warn?.(`Earlier deployments of ${this.environment} were not marked inactive: ${error instanceof Error ? error.message : String(error)}.${hint}`);
    });
  }

  /** Marks inactive every earlier deployment of the environment whose newest status is success. */
  private async retireEarlier(): Promise<void> {
    const earlier = (await this.api.listDeployments(this.environment)).filter((deployment) => deployment.id < this.deploymentId);
    const retired: number[] = [];
    for (const deployment of earlier) {
      if ((await this.api.latestDeploymentStatus(deployment.id)) !== 'success') continue;
      await this.api.createDeploymentStatus(deployment.id, { state: 'inactive', description: `superseded by deployment ${this.deploymentId}`, ...(this.logUrl ? { logUrl: this.logUrl } : {}), autoInactive: false });
      retired.push(deployment.id);
    }
    if (retired.length > 0) this.info?.(`GitHub deployments ${retired.join(', ')} of ${this.environment} marked inactive (superseded by ${this.deploymentId}).`);
  }
}

/** The gate's GitHub side in an Actions job: the job's token (or the one given), repository and run. */
export function githubDeployments(env: NodeJS.ProcessEnv, token: string | undefined, mask: (secret: string) => void, warn: (line: string) => void, info: (line: string) => void, now?: () => Date): DeploymentGate | { unavailable: string } {
  const auth = token || env.GITHUB_TOKEN;
  if (!auth) return { unavailable: 'no token: give the gate step `token: ${{ github.token }}` and the job `permissions:` with `deployments: write` and `actions: read`' };
  const settings = githubApiSettings(env);
  if (!settings.repository) return { unavailable: 'GITHUB_REPOSITORY is not set, so there is no repository whose environments could be read' };
  const api = new GithubApi({ token: auth, repository: settings.repository, baseUrl: settings.baseUrl, fromFork: settings.fromFork, writeIntervalMs: settings.writeIntervalMs, mask, warn });
  const run = githubRunInfo(env);
  return new GithubDeployments({ api, runId: Number(env.GITHUB_RUN_ID) || undefined, runUrl: run.url, sha: run.sha, actor: env.GITHUB_TRIGGERING_ACTOR ?? run.actor, info, warn, ...(now ? { now } : {}) });
}
