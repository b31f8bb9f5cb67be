import { GitlabApi, gitlabApiSettings, type DeploymentApprovalEntry, type GitlabDeployment, type ProtectedEnvironment } from './gitlab-api.js';
import type { Approval, ApprovalVerdict, DeploymentGate, DeploymentRecord } from './deployments.js';

const PROTECTED_SETTINGS = 'Settings → CI/CD → Protected environments';

export interface GitlabDeploymentsOptions {
  api: GitlabApi;
  /** CI_ENVIRONMENT_NAME: the environment the job's `environment:` deploys to. */
  jobEnvironment: string | undefined;
  /** CI_JOB_ID: whose deployment holds the approvals. */
  jobId: number | undefined;
  info?: (line: string) => void;
}

function requiredCount(protection: ProtectedEnvironment): { total: number; how: string } {
  const fromRules = protection.approvalRules.reduce((sum, rule) => sum + rule.required, 0);
  if (fromRules > 0) return { total: fromRules, how: protection.approvalRules.filter((rule) => rule.required > 0).map((rule) => `${rule.who}: ${rule.required}`).join(', ') };
  return { total: protection.requiredApprovalCount, how: 'unified approval setting' };
}

function describe(approval: DeploymentApprovalEntry): string {
  return `@${approval.username} at ${approval.createdAt}${approval.comment ? ` ("${approval.comment}")` : ''}`;
}

/** What the deployment's approvals lack, per rule or against the unified count; undefined when every requirement is met. */
function shortfall(deployment: GitlabDeployment, required: number): string | undefined {
  if (deployment.rules && deployment.rules.length > 0) {
    const unmet = deployment.rules
      .map((rule) => ({ rule, approved: rule.approvals.filter((approval) => approval.status === 'approved').length }))
      .filter(({ rule, approved }) => approved < rule.required)
      .map(({ rule, approved }) => `${rule.who} ${approved} of ${rule.required}`);
    return unmet.length > 0 ? `approvals missing: ${unmet.join(', ')}` : undefined;
  }
  if (deployment.approvals) {
    const approved = deployment.approvals.filter((approval) => approval.status === 'approved').length;
    if (approved < required || (deployment.pendingApprovalCount ?? 0) > 0) return `${approved} of ${required} approvals given`;
    return undefined;
  }
  return 'GitLab sent no approvals for it (deployment approvals need GitLab Premium or Ultimate)';
}

/**
 * The gate's approvals on GitLab: the environment must be protected with approvals required, and
 * the deployment this job opened (GitLab opens one for a job with `environment:`) must hold them.
 * GitLab keeps that deployment's status itself, from the job's result, and refuses API updates to
 * deployments a job created: startDeployment opens nothing and says so.
 */
export class GitlabDeployments implements DeploymentGate {
  constructor(private readonly options: GitlabDeploymentsOptions) {}

  async verifyApprovals(environment: string): Promise<ApprovalVerdict> {
    const deny = (detail: string, fix?: string): ApprovalVerdict => ({ passed: false, approvals: [], detail, ...(fix ? { fix } : {}) });
    const { jobEnvironment, jobId, api } = this.options;
    if (jobEnvironment !== environment) {
      const declares = jobEnvironment ? `deploys to environment ${jobEnvironment}` : 'declares no environment (CI_ENVIRONMENT_NAME is not set)';
      return deny(`this job ${declares}, so GitLab asked nobody to approve a deployment to ${environment}`, `give the gate job \`environment: {name: ${environment}, action: start}\` (the modelci gate component does)`);
    }
    const protection = await api.protectedEnvironment(environment);
    if (!protection) {
      return deny(`environment ${environment} is not protected, so GitLab requires no approval`, `in ${PROTECTED_SETTINGS}, protect ${environment} and add an approval rule with at least 1 required approval (GitLab Premium or Ultimate)`);
    }
    const required = requiredCount(protection);
    if (required.total < 1) {
      return deny(`environment ${environment} is protected but requires no approval`, `in ${PROTECTED_SETTINGS} → ${environment}, add approvers with at least 1 required approval`);
    }
    const rules = `protected, ${required.total} approval${required.total === 1 ? '' : 's'} required (${required.how})`;
    const deployment = jobId === undefined ? undefined : await api.jobDeployment(environment, jobId);
    if (!deployment) return deny(`environment ${environment}: ${rules}; but job ${jobId ?? '(CI_JOB_ID is not set)'} has no deployment there`);
    const given = (deployment.rules ? deployment.rules.flatMap((rule) => rule.approvals) : deployment.approvals ?? []);
    const rejected = given.filter((approval) => approval.status === 'rejected');
    if (rejected.length > 0) return deny(`environment ${environment}: ${rules}; deployment ${deployment.iid} rejected by ${rejected.map(describe).join('; ')}`);
    const approved = uniqueApprovals(given.filter((approval) => approval.status === 'approved'));
    const missing = shortfall(deployment, required.total);
    if (missing) {
      return deny(`environment ${environment}: ${rules}; deployment ${deployment.iid} of job ${jobId}: ${missing}`, `approve deployment ${deployment.iid} in Deployments → Environments → ${environment}, then run the job again`);
    }
    const approvals: Approval[] = approved.map((approval) => ({ reviewer: approval.username, at: approval.createdAt, ...(approval.comment ? { comment: approval.comment } : {}) }));
    return { passed: true, approvals, detail: `environment ${environment}: ${rules}; deployment ${deployment.iid} of job ${jobId} approved by ${approved.map(describe).join('; ')}` };
  }

  async startDeployment(request: { environment: string }): Promise<DeploymentRecord | undefined> {
    this.options.info?.(`GitLab records the deployment of job ${this.options.jobId ?? '?'} to ${request.environment} from the job's \`environment:\` and sets its status from the job's result (it refuses API updates to deployments a job created), so the gate opens none.`);
    return undefined;
  }
}

/** The same approval appears under every rule it satisfies. */
function uniqueApprovals(approvals: DeploymentApprovalEntry[]): DeploymentApprovalEntry[] {
  const seen = new Set<string>();
  return approvals.filter((approval) => {
    const key = `${approval.username}\u0000${approval.createdAt}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The gate's GitLab side in a CI job: an access token (the job token cannot read protected environments), the project and the job. */
export function gitlabDeployments(env: NodeJS.ProcessEnv, token: string | undefined, mask: (secret: string) => void, info: (line: string) => void, signal?: AbortSignal): DeploymentGate | { unavailable: string } {
  const settings = gitlabApiSettings(token ? { ...env, MODELCI_GITLAB_TOKEN: token } : env);
  if (!settings) return { unavailable: 'CI_API_V4_URL, CI_PROJECT_ID or a token is missing, so GitLab cannot be asked' };
  if (settings.tokenKind === 'job') {
    return { unavailable: 'CI_JOB_TOKEN cannot read protected environments or deployment approvals: set a project access token with the `api` scope (Maintainer role) in a masked CI/CD variable MODELCI_GITLAB_TOKEN' };
  }
  const api = new GitlabApi({ ...settings, mask, ...(signal ? { signal } : {}) });
  return new GitlabDeployments({ api, jobEnvironment: env.CI_ENVIRONMENT_NAME || undefined, jobId: Number(env.CI_JOB_ID) || undefined, info });
}
