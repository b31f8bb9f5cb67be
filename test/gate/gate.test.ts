import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAudits } from '../../shared/gate/audit.js';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

interface Check {
  name: string;
  passed: boolean;
  detail: string;
  data?: Record<string, unknown>;
}

const STAGES = `stages:
  - name: staging
    requires: [train, evaluate]
  - name: canary
    after: staging
    min-soak: 2h
  - name: production
    after: canary
    approvals: environment
`;

let project: GateProject;

beforeEach(async () => {
  project = await gateProject();
  await project.config(STAGES);
});

afterEach(async () => {
  await project.remove();
});

function checks(json: Record<string, unknown>): Check[] {
  return json.checks as Check[];
}

function failed(json: Record<string, unknown>): Check | undefined {
  return checks(json).find((check) => !check.passed);
}

describe('gate entry checks', () => {
  it('allows a version whose required evidence passed and belongs to its content, moves the alias from nothing, and attaches a PASSED record', async () => {
    const version = await project.push('one');
    const run = await project.cli(gateArgs(project, 'staging', version));
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ status: 'passed', decision: 'allow', stage: 'staging', version: '1', previousVersion: null, reverified: false });
    expect(checks(run.json).map((check) => [check.name, check.passed])).toEqual([
      ['version-exists', true],
      ['evidence:train', true],
      ['evidence:evaluate', true],
      ['alias-move', true],
      ['record', true],
    ]);
    expect(await project.registry.getAlias('churn', 'staging')).toBe('1');
    const [audit] = await readAudits(project.registry, 'churn', '1');
    expect(audit?.statement?.predicate.verificationResult).toBe('PASSED');
    expect(audit?.statement?.predicate.modelci.moves).toMatchObject([{ alias: 'staging', from: null, to: '1', seq: 1, kind: 'promote' }]);
  });

  it("takes the issue's --stage on the command line as --stage-name, for gate, verify and rollback", async () => {
    const one = await project.push('one');
    const two = await project.push('two');
    for (const version of [one, two]) {
      const run = await project.cli(['gate', '--stage', 'staging', '--name', 'churn', '--version', version, '--registry', project.uri]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.json).toMatchObject({ decision: 'allow', stage: 'staging', version });
    }
    const verified = await project.cli(['verify', '--stage', 'staging', '--name', 'churn', '--registry', project.uri]);
    expect(verified.json).toMatchObject({ verified: true, version: two });
    const rolled = await project.cli(['rollback', '--stage', 'staging', '--name', 'churn', '--registry', project.uri, '--reason', 'test']);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(await project.registry.getAlias('churn', 'staging')).toBe(one);
  });

  it('denies a version that does not exist, and moves nothing', async () => {
    const run = await project.cli(gateArgs(project, 'staging', '7'));
    expect(run.code, run.stderr).toBe(1);
    expect(run.json).toMatchObject({ decision: 'deny', digest: null, record: null });
    expect(failed(run.json)).toMatchObject({ name: 'version-exists', detail: expect.stringContaining('has no version 7') });
    expect(await project.registry.getAlias('churn', 'staging')).toBeUndefined();
  });

  it('denies required evidence that is not attached, naming the step', async () => {
    await project.config(STAGES.replace('requires: [train, evaluate]', 'requires: [train, evaluate, compare]'));
    const version = await project.push('one');
    const run = await project.cli(gateArgs(project, 'staging', version));
    expect(run.code).toBe(1);
    expect(failed(run.json)).toMatchObject({ name: 'evidence:compare', detail: 'no compare evidence is attached to churn version 1' });
    expect(await project.registry.getAlias('churn', 'staging')).toBeUndefined();
  });

  it('denies required evidence that failed', async () => {
    const version = await project.push('one', { evaluate: 'failed' });
    const run = await project.cli(gateArgs(project, 'staging', version));
    expect(run.code).toBe(1);
    expect(failed(run.json)).toMatchObject({ name: 'evidence:evaluate', detail: expect.stringContaining('says failed') });
    expect(await project.registry.getAlias('churn', 'staging')).toBeUndefined();
  });

  it('denies evidence that belongs to another content digest', async () => {
    const version = await project.push('one', { evidenceOf: 'someone-else' });
    const run = await project.cli(gateArgs(project, 'staging', version));
    expect(run.code).toBe(1);
    const detail = failed(run.json)!;
    expect(detail.name).toBe('evidence:train');
    expect(detail.detail).toMatch(/belongs to other content than sha256:[0-9a-f]{64}: its outputs do not include this content/);
    expect(await project.registry.getAlias('churn', 'staging')).toBeUndefined();
  });

  it('denies a version that the previous stage does not hold', async () => {
    const one = await project.push('one');
    const two = await project.push('two');
    expect((await project.cli(gateArgs(project, 'staging', one))).code).toBe(0);
    const run = await project.cli(gateArgs(project, 'canary', two));
    expect(run.code).toBe(1);
    expect(checks(run.json).slice(1).map((check) => [check.name, check.passed])).toEqual([
      ['previous-stage', false],
      ['min-soak', false],
      ['record', true],
    ]);
    expect(failed(run.json)!.detail).toBe('staging holds version 1, not 2: a version enters canary only from staging');
    expect(await project.registry.getAlias('churn', 'canary')).toBeUndefined();
  });

  it('holds a version to min-soak by the alias history and the clock: 1h59m denies, 2h allows', async () => {
    const one = await project.push('one');
    expect((await project.cli(gateArgs(project, 'staging', one))).code).toBe(0);
    const [moved] = await project.registry.history('churn', 'staging');
    const since = Date.parse(moved!.at);
    project.clock.now = since + 2 * 3_600_000 - 60_000;
    const early = await project.cli(gateArgs(project, 'canary', one));
    expect(early.code).toBe(1);
    expect(failed(early.json)).toMatchObject({ name: 'min-soak', data: { heldMs: 2 * 3_600_000 - 60_000, requiredMs: 7_200_000 } });
    expect(failed(early.json)!.detail).toContain('held staging for 1h 59m');
    expect(await project.registry.getAlias('churn', 'canary')).toBeUndefined();
    project.clock.now = since + 2 * 3_600_000;
    const ready = await project.cli(gateArgs(project, 'canary', one));
    expect(ready.code, ready.stderr).toBe(0);
    expect(checks(ready.json).find((check) => check.name === 'min-soak')).toMatchObject({ passed: true, detail: expect.stringContaining('held staging for 2h') });
    expect(await project.registry.getAlias('churn', 'canary')).toBe('1');
  });

  it('denies a stage that asks for approvals where the platform has no environments, with the fix', async () => {
    const one = await project.push('one');
    await project.cli(gateArgs(project, 'staging', one));
    project.clock.now += 3 * 3_600_000;
    expect((await project.cli(gateArgs(project, 'canary', one))).code).toBe(0);
    const run = await project.cli(gateArgs(project, 'production', one));
    expect(run.code).toBe(1);
    expect(failed(run.json)).toMatchObject({ name: 'approvals', detail: expect.stringContaining('a local run has no CI environments') });
    expect(failed(run.json)!.data).toMatchObject({ environment: 'production', fix: expect.stringContaining('required reviewers') });
    expect(await project.registry.getAlias('churn', 'production')).toBeUndefined();
  });

  it('re-verifies a version already in the stage without moving it', async () => {
    const one = await project.push('one');
    await project.cli(gateArgs(project, 'staging', one));
    const again = await project.cli(gateArgs(project, 'staging', one));
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ decision: 'allow', reverified: true, previousVersion: '1', moves: [] });
    expect(await project.registry.history('churn', 'staging')).toHaveLength(1);
  });

  it('writes the outputs workflow conditions use', async () => {
    const one = await project.push('one');
    await project.cli(gateArgs(project, 'staging', one));
    const two = await project.push('two');
    const out = join(project.dir, 'outputs.env');
    const run = await project.cli(gateArgs(project, 'staging', two), { MODELCI_PLATFORM: 'gitlab', MODELCI_DOTENV: out });
    expect(run.code, run.stderr).toBe(0);
    const dotenv = await readFile(out, 'utf8');
    for (const line of ['decision=allow', 'stage=staging', 'version=2', 'previous-version=1'].map((pair) => pair.replace(/^[^=]+/, (key) => `MODELCI_GATE_${key.toUpperCase().replace(/-/g, '_')}`))) expect(dotenv).toContain(line);
  });
});
