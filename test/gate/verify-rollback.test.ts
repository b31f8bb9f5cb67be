import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAudits } from '../../shared/gate/audit.js';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

const STAGES = 'stages:\n  - name: staging\n    requires: [train, evaluate]\n';

let project: GateProject;

beforeEach(async () => {
  project = await gateProject();
  await project.config(STAGES);
});

afterEach(async () => {
  await project.remove();
});

const verifyArgs = () => ['verify', '--stage-name', 'staging', '--name', 'churn', '--registry', project.uri];
const rollbackArgs = () => ['rollback', '--stage-name', 'staging', '--name', 'churn', '--registry', project.uri, '--reason', 'error budget burnt'];

describe('verify', () => {
  it('passes when the stage holds a version the gate allowed, with matching content and policy digests', async () => {
    const one = await project.push('one');
    await project.cli(gateArgs(project, 'staging', one));
    const run = await project.cli(verifyArgs());
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ verified: true, version: '1', record: expect.stringMatching(/-gate-staging-[0-9a-f]{6}\.intoto\.json$/) });
  });

  it('fails on an alias moved by hand: no record covers the move', async () => {
    const one = await project.push('one');
    const two = await project.push('two');
    await project.cli(gateArgs(project, 'staging', one));
    await project.registry.setAlias({ name: 'churn', alias: 'staging', version: two, by: 'mallory' });
    const run = await project.cli(verifyArgs());
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ verified: false, version: '2' });
    expect(run.json.reason).toMatch(/^no modelci record covers move seq 2 \(1 -> 2 by mallory at .+\): staging was moved by hand$/);
  });

  it('fails when the stage policy changed since the record', async () => {
    const one = await project.push('one');
    await project.cli(gateArgs(project, 'staging', one));
    await project.config('stages:\n  - name: staging\n    requires: [train]\n');
    const run = await project.cli(verifyArgs());
    expect(run.code).toBe(1);
    expect(run.json.reason).toMatch(/^the stage policy changed since the record: it verified sha256:[0-9a-f]{64}, the stage is now sha256:/);
  });

  it('fails when the stage holds nothing', async () => {
    const run = await project.cli(verifyArgs());
    expect(run.code).toBe(1);
    expect(run.json.reason).toBe('staging holds no version of churn');
  });
});

describe('rollback', () => {
  it('moves the stage back to the version before its last move, attaches a record, and verify accepts the result', async () => {
    const one = await project.push('one');
    const two = await project.push('two');
    await project.cli(gateArgs(project, 'staging', one));
    await project.cli(gateArgs(project, 'staging', two));
    const run = await project.cli(rollbackArgs());
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ rolledBack: true, from: '2', to: '1', moves: [{ from: '2', to: '1', seq: 3, kind: 'rollback', reason: 'error budget burnt', by: 'tester' }] });
    expect(await project.registry.getAlias('churn', 'staging')).toBe('1');
    const records = await readAudits(project.registry, 'churn', '1');
    expect(records.map((audit) => audit.statement?.predicate.modelci.action)).toEqual(['gate', 'rollback']);
    expect((await project.cli(verifyArgs())).code).toBe(0);
  });

  it('says no (exit 1) when the stage held nothing before', async () => {
    const one = await project.push('one');
    await project.cli(gateArgs(project, 'staging', one));
    const run = await project.cli(rollbackArgs());
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ rolledBack: false, reason: 'staging held no version before 1: nothing to roll back to' });
    expect(await project.registry.getAlias('churn', 'staging')).toBe('1');
  });

  it('registry history lists the gate and rollback records beside the alias moves', async () => {
    const one = await project.push('one');
    const two = await project.push('two');
    await project.cli(gateArgs(project, 'staging', one));
    await project.cli(gateArgs(project, 'staging', two));
    await project.cli(rollbackArgs());
    const { runCliCaptured } = await import('../helpers/run-cli.js');
    const { registryHistoryStep } = await import('../../shared/steps/registry-history.js');
    const text = await runCliCaptured(['registry', 'history', '--registry', project.uri, '--name', 'churn', '--alias', 'staging'], { cwd: project.dir, steps: [registryHistoryStep] });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/staging +1 +2 +tester/);
    expect(text.stdout).toMatch(/gate +staging +2 +tester +allow: every check passed; staging now holds version 2/);
    expect(text.stdout).toMatch(/rollback +staging +1 +tester +allow: error budget burnt/);
  });
});
