import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitlabDeployments } from '../servers/gitlab/fake-deployments.js';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

const fake = new FakeGitlabDeployments();
const JOB = 4711;
let project: GateProject;

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(async () => {
  fake.reset();
  project = await gateProject();
  await project.config('stages:\n  - name: production\n    approvals: environment\n');
});
afterEach(() => project.remove());

interface Check {
  name: string;
  passed: boolean;
  detail: string;
  data?: Record<string, unknown>;
}

function gitlabEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GITLAB_CI: 'true', CI_API_V4_URL: `${fake.url}/api/v4`, CI_PROJECT_ID: '7', CI_JOB_ID: String(JOB), CI_ENVIRONMENT_NAME: 'production', CI_JOB_TOKEN: 'ci-job-token-0123',
    MODELCI_GITLAB_TOKEN: 'glpat-maintainer-token-0123', MODELCI_DOTENV: `${project.dir}/gate.env`, ...extra,
  };
}

const approvals = (json: Record<string, unknown>) => (json.checks as Check[]).find((check) => check.name === 'approvals');

describe('the gate step as a GitLab CI job, against a loopback GitLab', () => {
  it('allows when the job\'s deployment has its approvals, recording the approver with GitLab\'s time', async () => {
    fake.protectedEnvironments.set('production', { name: 'production', approvalRules: [{ description: 'Maintainers', required: 1 }] });
    fake.addDeployment('production', JOB, 'running', [{ username: 'quinn', status: 'approved', createdAt: '2026-12-06T20:05:00.000Z', comment: 'go', rule: 'Maintainers' }]);
    const version = await project.push('one');
    const run = await project.cli(gateArgs(project, 'production', version), gitlabEnv());
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.json).toMatchObject({ decision: 'allow', stage: 'production' });
    expect(approvals(run.json)).toMatchObject({ passed: true, data: { approvals: [{ reviewer: 'quinn', at: '2026-12-06T20:05:00.000Z', comment: 'go' }] } });
    expect(await project.registry.getAlias('churn', 'production')).toBe(version);
    expect(fake.unknown).toEqual([]);
  });

  it('denies with only CI_JOB_TOKEN, naming the token to set, and moves nothing', async () => {
    const version = await project.push('one');
    const run = await project.cli(gateArgs(project, 'production', version), gitlabEnv({ MODELCI_GITLAB_TOKEN: '' }));
    expect(run.code, run.stderr + run.stdout).toBe(1);
    expect(approvals(run.json)).toMatchObject({ passed: false, detail: expect.stringContaining('CI_JOB_TOKEN cannot read protected environments or deployment approvals: set a project access token with the `api` scope') });
    expect(await project.registry.getAlias('churn', 'production')).toBeUndefined();
    expect(fake.requests).toEqual([]);
  });
});
