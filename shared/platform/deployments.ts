/**
 * What the gate asks of the CI about environments: are approvals really enforced, who approved
 * this run, and a deployment record per stage. GitHub: environments, protection rules, pending
 * deployments' reviews and the Deployments API. GitLab: protected environments, deployment
 * approvals. Local runs have none (the gate then denies a stage that asks for approvals).
 */
export interface Approval {
  reviewer: string;
  /** ISO time of the approval. */
  at: string;
  comment?: string;
}

export interface ApprovalVerdict {
  passed: boolean;
  /** One line: `environment production: 2 required reviewers, admins cannot bypass; approved by @a at ...`. */
  detail: string;
  approvals: Approval[];
  /** When not passed: what to change (e.g. `turn off "Allow administrators to bypass"`). */
  fix?: string;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure';

export interface DeploymentRecord {
  id: string;
  url?: string;
  /** Sets the deployment's status (with a log URL to the run); on success, earlier deployments of the environment become inactive. */
  report(state: DeploymentState, description: string): Promise<void>;
}

export interface DeploymentGate {
  /** Checks the environment enforces approvals and returns the approvals this run received. */
  verifyApprovals(environment: string): Promise<ApprovalVerdict>;
  /** Opens a deployment of `ref` to `environment`; undefined when the platform keeps none. */
  startDeployment(request: { environment: string; ref: string; description: string; payload?: Record<string, unknown> }): Promise<DeploymentRecord | undefined>;
}
