import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAction, runAsRunner } from '../helpers/github-runner.js';
import { repoRoot } from '../helpers/python.js';
import { gateProject, type GateProject } from './fixtures.js';

/**
 * gate, verify and rollback as GitHub's runner drives them: INPUT_* set for every input their
 * action.yml declares (defaults filled in, '' for the rest), everything else from modelci.yaml.
 */
let project: GateProject;

beforeEach(async () => {
  project = await gateProject();
});

afterEach(async () => {
  await project.remove();
});

const STAGES = 'stages:\n  - name: staging\n    requires: [train, evaluate]\n';
const config = () => `${STAGES}gate:\n  registry: ${project.uri}\n  name: churn\n  stage-name: staging\nverify:\n  registry: ${project.uri}\n  name: churn\n  stage-name: staging\nrollback:\n  registry: ${project.uri}\n  name: churn\n  stage-name: staging\n`;

const output = (outputs: string, name: string): string | undefined => new RegExp(`${name}<<([^\\n]+)\\n([^]*?)\\n\\1`).exec(outputs)?.[2];

describe('gate, verify and rollback actions with every declared input set', () => {
  it('declare no default that would pass over modelci.yaml', async () => {
    for (const action of ['actions/gate/action.yml', 'actions/verify/action.yml', 'actions/rollback/action.yml']) {
      const defaulted = Object.entries((await readAction(repoRoot, action)).inputs).filter(([, input]) => input.default !== undefined);
      expect(defaulted, action).toEqual([]);
    }
  });

  it('gate takes registry, name and stage from modelci.yaml and the version from with:, moves staging and says allow through its outputs', async () => {
    await project.push('one');
    const two = await project.push('two');
    const files = { 'modelci.yaml': config() };
    const gated = await runAsRunner(repoRoot, 'actions/gate/action.yml', { version: two }, files);
    expect(gated.status, gated.log).toBe(0);
    expect(output(gated.outputs, 'decision')).toBe('allow');
    expect(output(gated.outputs, 'stage')).toBe('staging');
    expect(output(gated.outputs, 'version')).toBe('2');
    expect(gated.summary).toMatch(/allow/);
    expect(await project.registry.getAlias('churn', 'staging')).toBe('2');

    const verified = await runAsRunner(repoRoot, 'actions/verify/action.yml', {}, files);
    expect(verified.status, verified.log).toBe(0);
    expect(output(verified.outputs, 'verified')).toBe('true');
  });

  it('gate denies through exit 1 and its outputs when the evidence failed, moving nothing', async () => {
    const failing = await project.push('failing', { evaluate: 'failed' });
    const denied = await runAsRunner(repoRoot, 'actions/gate/action.yml', { version: failing }, { 'modelci.yaml': config() });
    expect(denied.status, denied.log).toBe(1);
    expect(output(denied.outputs, 'decision')).toBe('deny');
    expect(await project.registry.getAlias('churn', 'staging')).toBeUndefined();
  });

  it('rollback moves staging back to the version before, from modelci.yaml and a with: reason', async () => {
    const one = await project.push('one');
    const two = await project.push('two');
    const files = { 'modelci.yaml': config() };
    for (const version of [one, two]) expect((await runAsRunner(repoRoot, 'actions/gate/action.yml', { version }, files)).status).toBe(0);
    const rolled = await runAsRunner(repoRoot, 'actions/rollback/action.yml', { reason: 'error budget burnt' }, files);
    expect(rolled.status, rolled.log).toBe(0);
    expect(output(rolled.outputs, 'rolled-back')).toBe('true');
    expect(output(rolled.outputs, 'previous-version')).toBe('2');
    expect(await project.registry.getAlias('churn', 'staging')).toBe('1');
  });

  it("refuses the old `stage` input with its new name", async () => {
    const run = await runAsRunner(repoRoot, 'actions/gate/action.yml', { stage: 'staging', version: '1' }, { 'modelci.yaml': config() });
    expect(run.status, run.log).toBe(2);
    expect(run.log).toContain("input 'stage' is now input 'stage-name'");
  });
});
