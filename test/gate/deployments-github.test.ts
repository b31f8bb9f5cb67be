import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import type { DeploymentGate } from '../../shared/platform/deployments.js';
import { githubDeployments } from '../../shared/platform/github-deployments.js';
import { LocalPlatform } from '../../shared/platform/local.js';
import { FakeGithub, type FakeEnvironment } from '../servers/github/fake-github.js';

const fake = new FakeGithub();
const SHA = 'c0ffee'.padEnd(40, '0');
const RUN = 4242;
const RUN_URL = `https://github.test/acme/churn/actions/runs/${RUN}`;
const READ_AT = new Date('2026-12-06T21:30:00Z');

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GITHUB_API_URL: `${fake.url}/api/v3`, MODELCI_GITHUB_WRITE_INTERVAL_MS: '0', GITHUB_SERVER_URL: 'https://github.test', GITHUB_REPOSITORY: 'acme/churn', GITHUB_RUN_ID: String(RUN), GITHUB_SHA: SHA,
    GITHUB_ACTOR: 'carol', GITHUB_TOKEN: 'ghs_deploytoken0123456789', ...extra,
  };
}

function gate(extra: NodeJS.ProcessEnv = {}, info: string[] = [], warnings: string[] = []): DeploymentGate {
  // The review log has no times: the moment the gate reads it is pinned.
  const opened = githubDeployments(env(extra), undefined, () => undefined, (line) => warnings.push(line), (line) => info.push(line), () => READ_AT);
  if ('unavailable' in opened) throw new Error(opened.unavailable);
  return opened;
}

function protect(overrides: Partial<FakeEnvironment> = {}): void {
  fake.environments.set('production', { name: 'production', reviewers: [{ type: 'User', name: 'alice' }, { type: 'Team', name: 'ml-leads' }], reviewersRule: true, canAdminsBypass: false, ...overrides });
}

async function failure(work: Promise<unknown>): Promise<ModelciError> {
  const error = await work.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ModelciError);
  return error as ModelciError;
}

describe('GitHub environments and approvals for the gate (a loopback GitHub checked by the OpenAPI description)', () => {
  it('denies an environment without required reviewers, or one that does not exist, and says which setting to change', async () => {
    fake.environments.set('production', { name: 'production', reviewers: [], reviewersRule: false, canAdminsBypass: false });
    const none = await gate().verifyApprovals('production');
    expect(none).toEqual({
      passed: false,
      approvals: [],
      detail: 'environment production has no required reviewers, so nobody is asked to approve',
      fix: 'in Settings → Environments → production, tick "Required reviewers" and add at least one person or team',
    });
    protect({ reviewers: [] });
    expect((await gate().verifyApprovals('production')).detail).toBe('environment production has a required-reviewers rule listing nobody, so nobody is asked to approve');
    const missing = await gate().verifyApprovals('staging');
    expect(missing.passed).toBe(false);
    expect(missing.detail).toBe('environment staging does not exist, so nobody is asked to approve');
    expect(missing.fix).toContain('create environment staging (Settings → Environments → New environment)');
    expect(fake.operations).not.toContain('actions/get-reviews-for-run');
    expect(fake.violations).toEqual([]);
  });

  it('denies when administrators may bypass the reviewers, and when GitHub does not say whether they may', async () => {
    protect({ canAdminsBypass: true });
    const bypass = await gate().verifyApprovals('production');
    expect(bypass).toMatchObject({ passed: false, detail: 'environment production lets administrators bypass its reviewers (@alice, @ml-leads)', fix: 'in Settings → Environments → production, turn off "Allow administrators to bypass configured protection rules"' });
    protect({ canAdminsBypass: undefined });
    const unknown = await gate().verifyApprovals('production');
    expect(unknown.passed).toBe(false);
    expect(unknown.detail).toContain('no can_admins_bypass in its answer');
    expect(unknown.fix).toBe(bypass.fix);
    expect(fake.violations).toEqual([]);
  });

  it('denies when reviewers are configured but this run holds no approval (the private repository GitHub does not enforce), naming why', async () => {
    protect();
    fake.reviews.set(RUN - 1, [{ state: 'approved', environments: ['production'], user: 'alice', comment: 'an earlier run' }]);
    fake.reviews.set(RUN, [{ state: 'approved', environments: ['staging'], user: 'alice', comment: 'staging only' }]);
    const verdict = await gate().verifyApprovals('production');
    expect(verdict).toMatchObject({ passed: false, approvals: [], detail: `environment production: required reviewers @alice, @ml-leads, admins cannot bypass; but run ${RUN} holds no approval for it` });
    expect(verdict.fix).toContain('give the gate job `environment: production`');
    expect(verdict.fix).toContain('GitHub enforces required reviewers only with GitHub Enterprise');
    expect(fake.violations).toEqual([]);
  });

  it('passes on an approval of this run for the environment, recording each reviewer, the time and the comment', async () => {
    protect();
    fake.reviews.set(RUN, [
      { state: 'approved', environments: ['production', 'canary'], user: 'alice', comment: 'ship it' },
      { state: 'approved', environments: ['production'], user: 'bob', comment: '' },
    ]);
    const verdict = await gate().verifyApprovals('production');
    expect(verdict.passed).toBe(true);
    expect(verdict.approvals).toEqual([
      { reviewer: 'alice', at: '2026-12-06T21:30:00.000Z', comment: 'ship it' },
      { reviewer: 'bob', at: '2026-12-06T21:30:00.000Z' },
    ]);
    expect(verdict.detail).toBe(`environment production: required reviewers @alice, @ml-leads, admins cannot bypass; approved in run ${RUN} by @alice ("ship it"); @bob; read at 2026-12-06T21:30:00.000Z (GitHub's review log records no times)`);
    expect(fake.violations).toEqual([]);
  });

  it('denies a rejected run, and names a self-approval where self-review is allowed', async () => {
    protect();
    fake.reviews.set(RUN, [{ state: 'rejected', environments: ['production'], user: 'bob', comment: 'not today' }]);
    expect(await gate().verifyApprovals('production')).toMatchObject({ passed: false, detail: `environment production: required reviewers @alice, @ml-leads, admins cannot bypass; rejected in run ${RUN} by @bob ("not today")` });
    fake.reviews.set(RUN, [{ state: 'approved', environments: ['production'], user: 'carol', comment: 'mine' }]);
    expect((await gate().verifyApprovals('production')).detail).toContain('(self-review allowed: @carol started the run)');
  });

  it('opens a deployment of the run\'s commit, in_progress then success with the run as log URL, and retires the superseded one (production too)', async () => {
    const superseded = fake.addDeployment('production', ['in_progress', 'success']);
    const failed = fake.addDeployment('production', ['in_progress', 'failure']);
    const otherStage = fake.addDeployment('staging', ['success']);
    const info: string[] = [];
    const record = await gate({}, info).startDeployment({ environment: 'production', ref: 'churn@7', description: 'churn 7 to production', payload: { model: 'churn', version: '7' } });
    const created = fake.deployments.at(-1)!;
    expect(record).toMatchObject({ id: String(created.id), url: RUN_URL });
    expect(created).toMatchObject({ sha: SHA, ref: SHA, environment: 'production', description: 'churn 7 to production', payload: { model: 'churn', version: '7' } });
    expect(created.statuses).toEqual([]);
    await record!.report('in_progress', 'gate production: churn 7');
    expect(created.statuses.map((status) => [status.state, status.logUrl])).toEqual([['in_progress', RUN_URL]]);
    await record!.report('success', 'gate allowed churn 7');
    expect(created.statuses.map((status) => status.state)).toEqual(['in_progress', 'success']);
    expect(superseded.statuses.map((status) => status.state)).toEqual(['in_progress', 'success', 'inactive']);
    expect(superseded.statuses.at(-1)).toMatchObject({ description: `superseded by deployment ${created.id}`, logUrl: RUN_URL });
    expect(failed.statuses.map((status) => status.state)).toEqual(['in_progress', 'failure']);
    expect(otherStage.statuses.map((status) => status.state)).toEqual(['success']);
    expect(info).toEqual([`GitHub deployments ${superseded.id} of production marked inactive (superseded by ${created.id}).`]);
    expect(fake.operations.filter((operation) => operation !== 'repos/list-deployment-statuses')).toEqual(['repos/create-deployment', 'repos/create-deployment-status', 'repos/create-deployment-status', 'repos/list-deployments', 'repos/create-deployment-status']);
    expect(fake.violations).toEqual([]);
  });

  it('records failure when the gate denies, and retires nothing', async () => {
    const current = fake.addDeployment('canary', ['success']);
    const record = await gate().startDeployment({ environment: 'canary', ref: SHA, description: 'churn 8 to canary' });
    await record!.report('in_progress', 'churn 8 to canary');
    await record!.report('failure', 'denied: error_rate 0.031 > 0.01 in 2 of 10 measurements');
    const created = fake.deployments.at(-1)!;
    expect(created.statuses.map((status) => [status.state, status.description])).toEqual([['in_progress', 'churn 8 to canary'], ['failure', 'denied: error_rate 0.031 > 0.01 in 2 of 10 measurements']]);
    expect(current.statuses.map((status) => status.state)).toEqual(['success']);
    expect(fake.violations).toEqual([]);
  });

  it('a success whose superseded deployments cannot be listed stays a success, with a warning naming the permission', async () => {
    const superseded = fake.addDeployment('production', ['success']);
    const warnings: string[] = [];
    const record = await gate({}, [], warnings).startDeployment({ environment: 'production', ref: SHA, description: 'churn 9' });
    fake.denied.add('repos/list-deployments');
    await record!.report('success', 'allowed');
    expect(fake.deployments.at(-1)!.statuses.map((status) => status.state)).toEqual(['success']);
    expect(superseded.statuses.map((status) => status.state)).toEqual(['success']);
    expect(warnings).toEqual(["Earlier deployments of production were not marked inactive: Could not list the deployments to production on acme/churn: GitHub answered 403: Resource not accessible by integration. The token lacks 'deployments: read': give the job `permissions:` with `deployments: read` (or grant it to the PAT or GitHub App)."]);
  });

  it('a token without deployments: write or actions: read fails with GitHub\'s answer, the permission and how to grant it', async () => {
    fake.denied.add('repos/create-deployment');
    const deploy = await failure(gate().startDeployment({ environment: 'production', ref: SHA, description: 'churn 7' }));
    expect(deploy.code).toBe('github-permission');
    expect(deploy.message).toBe(`Could not create a deployment of ${SHA} to production on acme/churn: GitHub answered 403: Resource not accessible by integration`);
    expect(deploy.hint).toBe("The token lacks 'deployments: write': give the job `permissions:` with `deployments: write` (or grant it to the PAT or GitHub App).");
    protect();
    fake.denied.add('actions/get-reviews-for-run');
    const reviews = await failure(gate().verifyApprovals('production'));
    expect(reviews).toMatchObject({ code: 'github-permission', message: `Could not read the approvals of workflow run ${RUN} on acme/churn: GitHub answered 403: Resource not accessible by integration` });
    expect(reviews.hint).toContain('`actions: read`');
    expect(fake.violations).toEqual([]);
  });

  it('says why there are no deployments without a token, outside a run, or on a local run', async () => {
    expect(githubDeployments(env({ GITHUB_TOKEN: '' }), undefined, () => undefined, () => undefined, () => undefined)).toEqual({ unavailable: 'no token: give the gate step `token: ${{ github.token }}` and the job `permissions:` with `deployments: write` and `actions: read`' });
    protect();
    fake.reviews.set(RUN, [{ state: 'approved', environments: ['production'], user: 'alice', comment: '' }]);
    const outside = await gate({ GITHUB_RUN_ID: '' }).verifyApprovals('production');
    expect(outside).toMatchObject({ passed: false, detail: expect.stringContaining('this is no workflow run (GITHUB_RUN_ID is not set)') });
    expect(await new LocalPlatform({ summaryFile: '/dev/null' }).deployments()).toEqual({ unavailable: expect.stringContaining('a local run has no CI environments') });
  });
});
