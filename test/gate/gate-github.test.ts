import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGithub } from '../servers/github/fake-github.js';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

const fake = new FakeGithub();
const SHA = 'feed'.padEnd(40, '0');
const RUN = 777;
let project: GateProject;
// @actions/core keeps the first summary path it sees for the whole process: one job directory for every test.
let jobDir: string;

beforeAll(async () => {
  await fake.start();
  jobDir = await mkdtemp(join(tmpdir(), 'modelci-gate-job-'));
});
afterAll(async () => {
  await fake.stop();
  await rm(jobDir, { recursive: true, force: true });
});
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

/** The gate step as a GitHub Actions job runs it: @actions/core reads the job's files from process.env. */
async function gateOnGithub(version: string): Promise<Awaited<ReturnType<GateProject['cli']>>> {
  const outputs = join(jobDir, 'outputs.txt');
  const summary = join(jobDir, 'summary.md');
  await writeFile(outputs, '');
  await writeFile(summary, '');
  const env = {
    GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary, GITHUB_API_URL: `${fake.url}/api/v3`, MODELCI_GITHUB_WRITE_INTERVAL_MS: '0', GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_REPOSITORY: 'acme/churn', GITHUB_RUN_ID: String(RUN), GITHUB_SHA: SHA, GITHUB_ACTOR: 'carol', GITHUB_TOKEN: 'ghs_gatetoken0123456789',
  };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await project.cli(gateArgs(project, 'production', version), env);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

const approvals = (json: Record<string, unknown>) => (json.checks as Check[]).find((check) => check.name === 'approvals');

describe('the gate step on GitHub, against a loopback GitHub checked by the OpenAPI description', () => {
  it('denies a stage that asks for approvals when its environment has no required reviewers, names the fix, and moves nothing', async () => {
    fake.environments.set('production', { name: 'production', reviewers: [], reviewersRule: false, canAdminsBypass: false });
    const version = await project.push('one');
    const run = await gateOnGithub(version);
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ decision: 'deny', stage: 'production' });
    expect(approvals(run.json)).toMatchObject({ passed: false, detail: expect.stringContaining('environment production has no required reviewers'), data: { fix: expect.stringContaining('tick "Required reviewers"') } });
    expect(await project.registry.getAlias('churn', 'production')).toBeUndefined();
    expect(fake.deployments).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('allows on this run\'s approval, records the approver, and leaves a successful deployment that retires the one it superseded', async () => {
    fake.environments.set('production', { name: 'production', reviewers: [{ type: 'User', name: 'alice' }], reviewersRule: true, canAdminsBypass: false });
    fake.reviews.set(RUN, [{ state: 'approved', environments: ['production'], user: 'alice', comment: 'ship it' }]);
    const earlier = fake.addDeployment('production', ['in_progress', 'success']);
    const version = await project.push('one');
    const run = await gateOnGithub(version);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ decision: 'allow', stage: 'production', version });
    expect(approvals(run.json)).toMatchObject({ passed: true, data: { approvals: [{ reviewer: 'alice', comment: 'ship it' }] } });
    expect(await project.registry.getAlias('churn', 'production')).toBe(version);
    const created = fake.deployments.at(-1)!;
    expect(created).toMatchObject({ ref: SHA, environment: 'production', payload: { model: 'churn', version } });
    expect(created.statuses.map((status) => [status.state, status.logUrl])).toEqual([['in_progress', `https://github.test/acme/churn/actions/runs/${RUN}`], ['success', `https://github.test/acme/churn/actions/runs/${RUN}`]]);
    expect(earlier.statuses.at(-1)!.state).toBe('inactive');
    expect(fake.violations).toEqual([]);
  });
});
