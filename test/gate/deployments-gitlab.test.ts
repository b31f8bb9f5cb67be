import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import type { DeploymentGate } from '../../shared/platform/deployments.js';
import { GitlabPlatform } from '../../shared/platform/gitlab.js';
import { gitlabDeployments } from '../../shared/platform/gitlab-deployments.js';
import { FakeGitlabDeployments } from '../servers/gitlab/fake-deployments.js';

const fake = new FakeGitlabDeployments();
const JOB = 9901;
const MAINTAINER = 'glpat-maintainer-token-0123';

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CI_API_V4_URL: `${fake.url}/api/v4`, CI_PROJECT_ID: '7', CI_JOB_ID: String(JOB), CI_ENVIRONMENT_NAME: 'production', CI_JOB_TOKEN: 'ci-job-token-0123', MODELCI_GITLAB_TOKEN: MAINTAINER, ...extra };
}

function gate(extra: NodeJS.ProcessEnv = {}, info: string[] = []): DeploymentGate {
  const opened = gitlabDeployments(env(extra), undefined, () => undefined, (line) => info.push(line));
  if ('unavailable' in opened) throw new Error(opened.unavailable);
  return opened;
}

function rules(...required: [string, number][]): void {
  fake.protectedEnvironments.set('production', { name: 'production', approvalRules: required.map(([description, count], index) => ({ description, groupId: 100 + index, required: count })) });
}

describe('GitLab protected environments and deployment approvals for the gate (a loopback GitLab)', () => {
  it('passes when every approval rule is met, recording each approver once with time and comment', async () => {
    rules(['qa-group', 1], ['security-group', 1]);
    fake.addDeployment('production', JOB - 1, 'success');
    for (let i = 0; i < 120; i++) fake.addDeployment('staging', 5000 + i, 'success');
    const mine = fake.addDeployment('production', JOB, 'running', [
      { username: 'quinn', status: 'approved', createdAt: '2026-12-06T20:05:00.000Z', comment: 'metrics look fine', rule: 'qa-group' },
      { username: 'sam', status: 'approved', createdAt: '2026-12-06T20:07:00.000Z', rule: 'security-group' },
    ]);
    const verdict = await gate().verifyApprovals('production');
    expect(verdict).toEqual({
      passed: true,
      approvals: [{ reviewer: 'quinn', at: '2026-12-06T20:05:00.000Z', comment: 'metrics look fine' }, { reviewer: 'sam', at: '2026-12-06T20:07:00.000Z' }],
      detail: `environment production: protected, 2 approvals required (qa-group: 1, security-group: 1); deployment ${mine.iid} of job ${JOB} approved by @quinn at 2026-12-06T20:05:00.000Z ("metrics look fine"); @sam at 2026-12-06T20:07:00.000Z`,
    });
    expect(fake.requests).toEqual(['GET /api/v4/projects/7/protected_environments/production', 'GET /api/v4/projects/7/deployments', `GET /api/v4/projects/7/deployments/${mine.id}`]);
    expect(fake.unknown).toEqual([]);
  });

  it('denies when a rule is short of approvals, or a reviewer rejected, saying which rule and how many', async () => {
    rules(['qa-group', 1], ['security-group', 2]);
    const mine = fake.addDeployment('production', JOB, 'running', [
      { username: 'quinn', status: 'approved', createdAt: '2026-12-06T20:05:00.000Z', rule: 'qa-group' },
      { username: 'sam', status: 'approved', createdAt: '2026-12-06T20:07:00.000Z', rule: 'security-group' },
    ]);
    const short = await gate().verifyApprovals('production');
    expect(short).toMatchObject({ passed: false, approvals: [], detail: `environment production: protected, 3 approvals required (qa-group: 1, security-group: 2); deployment ${mine.iid} of job ${JOB}: approvals missing: security-group 1 of 2` });
    expect(short.fix).toBe(`approve deployment ${mine.iid} in Deployments → Environments → production, then run the job again`);
    mine.approvals.push({ username: 'riley', status: 'rejected', createdAt: '2026-12-06T20:09:00.000Z', comment: 'not before the freeze ends', rule: 'security-group' });
    expect((await gate().verifyApprovals('production')).detail).toContain('rejected by @riley at 2026-12-06T20:09:00.000Z ("not before the freeze ends")');
    expect(fake.unknown).toEqual([]);
  });

  it('counts the unified approval setting (required_approval_count, before GitLab 17.0) too', async () => {
    fake.protectedEnvironments.set('production', { name: 'production', approvalRules: [], requiredApprovalCount: 2 });
    const mine = fake.addDeployment('production', JOB, 'running', [{ username: 'quinn', status: 'approved', createdAt: '2026-12-06T20:05:00.000Z' }]);
    expect(await gate().verifyApprovals('production')).toMatchObject({ passed: false, detail: expect.stringContaining('(unified approval setting); deployment 1 of job 9901: 1 of 2 approvals given') });
    mine.approvals.push({ username: 'sam', status: 'approved', createdAt: '2026-12-06T20:06:00.000Z' });
    expect(await gate().verifyApprovals('production')).toMatchObject({ passed: true, approvals: [{ reviewer: 'quinn' }, { reviewer: 'sam' }] });
  });

  it('denies an unprotected environment, one requiring no approval, and a job that deploys elsewhere, each with the fix', async () => {
    fake.addDeployment('production', JOB);
    expect(await gate().verifyApprovals('production')).toEqual({
      passed: false, approvals: [], detail: 'environment production is not protected, so GitLab requires no approval',
      fix: 'in Settings → CI/CD → Protected environments, protect production and add an approval rule with at least 1 required approval (GitLab Premium or Ultimate)',
    });
    fake.protectedEnvironments.set('production', { name: 'production', approvalRules: [{ description: 'Maintainers', required: 0 }], requiredApprovalCount: 0 });
    expect(await gate().verifyApprovals('production')).toMatchObject({ passed: false, detail: 'environment production is protected but requires no approval', fix: 'in Settings → CI/CD → Protected environments → production, add approvers with at least 1 required approval' });
    expect(await gate({ CI_ENVIRONMENT_NAME: 'staging' }).verifyApprovals('production')).toMatchObject({ passed: false, detail: 'this job deploys to environment staging, so GitLab asked nobody to approve a deployment to production', fix: 'give the gate job `environment: {name: production, action: start}` (the modelci gate component does)' });
    expect((await gate({ CI_ENVIRONMENT_NAME: '' }).verifyApprovals('production')).detail).toContain('declares no environment (CI_ENVIRONMENT_NAME is not set)');
    rules(['qa-group', 1]);
    expect((await gate({ CI_JOB_ID: '1' }).verifyApprovals('production')).detail).toBe('environment production: protected, 1 approval required (qa-group: 1); but job 1 has no deployment there');
    expect(fake.unknown).toEqual([]);
  });

  it('refuses CI_JOB_TOKEN with the fix, and names the role a Developer token lacks', async () => {
    const refused = gitlabDeployments(env({ MODELCI_GITLAB_TOKEN: '' }), undefined, () => undefined, () => undefined);
    expect(refused).toEqual({ unavailable: 'CI_JOB_TOKEN cannot read protected environments or deployment approvals: set a project access token with the `api` scope (Maintainer role) in a masked CI/CD variable MODELCI_GITLAB_TOKEN' });
    expect(fake.requests).toEqual([]);
    rules(['qa-group', 1]);
    const error = await gate({ MODELCI_GITLAB_TOKEN: 'glpat-developer-token-0123' }).verifyApprovals('production').then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelciError);
    expect(error).toMatchObject({ code: 'gitlab-permission', message: 'Could not read protected environment production in project 7: GitLab answered 403: 403 Forbidden', hint: 'The token needs the Maintainer role and the `api` (or `read_api`) scope.' });
  });

  it('opens no deployment of its own: GitLab keeps the job\'s, and the log says so; the GitLab platform offers the same', async () => {
    const info: string[] = [];
    expect(await gate({}, info).startDeployment({ environment: 'production', ref: 'main', description: 'churn 7' })).toBeUndefined();
    expect(info).toEqual([`GitLab records the deployment of job ${JOB} to production from the job's \`environment:\` and sets its status from the job's result (it refuses API updates to deployments a job created), so the gate opens none.`]);
    expect(fake.requests).toEqual([]);
    const platform = new GitlabPlatform({ env: env({ MODELCI_GITLAB_TOKEN: '' }), log: new PassThrough(), dotenvFile: '/dev/null', summaryFile: '/dev/null', outputPrefix: 'MODELCI_GATE_' });
    expect(await platform.deployments(undefined)).toEqual({ unavailable: expect.stringContaining('CI_JOB_TOKEN cannot read protected environments') });
    expect(await platform.deployments(MAINTAINER)).toHaveProperty('verifyApprovals');
  });
});
