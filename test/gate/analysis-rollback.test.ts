import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAudits } from '../../shared/gate/audit.js';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

const CANARY = (extra = '') => `stages:
  - name: canary
    requires: [train, evaluate]
    deploy: 'echo "$MODELCI_STAGE $MODELCI_VERSION from $MODELCI_PREVIOUS_VERSION" > deployed.txt'
${extra}    analysis:
      prometheus: {url: 'http://127.0.0.1:9'}
      interval: 1s
      count: 1
      metrics:
        - {name: error_rate, query: 'sum(rate(errors[1m]))', max: 0.01}
`;

let project: GateProject;

beforeEach(async () => {
  project = await gateProject();
  await project.config(CANARY());
});

afterEach(async () => {
  await project.remove();
});

async function promoted(seed: string): Promise<string> {
  const version = await project.push(seed);
  const run = await project.cli(gateArgs(project, 'canary', version));
  expect(run.code, run.stderr).toBe(0);
  return version;
}

describe('gate with analysis', () => {
  it('moves the alias, runs deploy, then the analysis of the version the stage holds, and allows', async () => {
    await promoted('one');
    const two = await project.push('two');
    const run = await project.cli(gateArgs(project, 'canary', two));
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(project.dir, 'deployed.txt'), 'utf8')).toBe('canary 2 from 1\n');
    expect((run.json.checks as { name: string }[]).map((check) => check.name)).toEqual(['version-exists', 'evidence:train', 'evidence:evaluate', 'alias-move', 'deploy', 'analysis:error_rate', 'analysis', 'record']);
    expect(project.analysisCalls.at(-1)).toMatchObject({ count: 1, interval: 1000 });
    expect(run.stderr).toContain('error_rate 1/1: 0.001 <= 0.01 pass');
    expect(await project.registry.getAlias('churn', 'canary')).toBe('2');
  });

  it('a failed analysis moves the alias back to the version before (compare-and-set), denies, and records both moves', async () => {
    await promoted('one');
    const two = await project.push('two');
    project.analysis.passed = false;
    const run = await project.cli(gateArgs(project, 'canary', two));
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ decision: 'deny', reason: 'error_rate: 1 of 1 measurements failed (limit 0)' });
    expect(run.json.moves).toMatchObject([{ from: '1', to: '2', kind: 'promote' }, { from: '2', to: '1', kind: 'rollback', reason: expect.stringContaining('rolled back: error_rate') }]);
    expect(await project.registry.getAlias('churn', 'canary')).toBe('1');
    expect((await project.registry.history('churn', 'canary')).map((event) => [event.from ?? null, event.to])).toEqual([[null, '1'], ['1', '2'], ['2', '1']]);
    const [audit] = await readAudits(project.registry, 'churn', '2');
    expect(audit?.statement?.predicate.verificationResult).toBe('FAILED');
    expect(audit?.statement?.predicate.modelci.checks.find((check) => check.name === 'analysis:error_rate')?.data).toMatchObject({ query: 'sum(rate(errors[1m]))' });
  });

  it('with rollback-on-failure: false a failed analysis denies and leaves the alias on the version', async () => {
    await project.config(CANARY('    rollback-on-failure: false\n'));
    await promoted('one');
    const two = await project.push('two');
    project.analysis.passed = false;
    const run = await project.cli(gateArgs(project, 'canary', two));
    expect(run.code).toBe(1);
    expect(await project.registry.getAlias('churn', 'canary')).toBe('2');
    expect((run.json.checks as { name: string; detail: string }[]).find((check) => check.name === 'rollback')?.detail).toContain('rollback-on-failure is false');
  });

  it('a failing deploy command skips the analysis and rolls back', async () => {
    await promoted('one');
    await project.config(CANARY().replace(/deploy: .*\n/, "deploy: 'echo cannot reach the cluster; exit 4'\n"));
    const two = await project.push('two');
    const calls = project.analysisCalls.length;
    const run = await project.cli(gateArgs(project, 'canary', two));
    expect(run.code).toBe(1);
    expect(run.json.reason).toBe('`echo cannot reach the cluster; exit 4` exited 4: cannot reach the cluster');
    expect(project.analysisCalls.length).toBe(calls);
    expect(await project.registry.getAlias('churn', 'canary')).toBe('1');
  });

  it('re-verifies a version in the stage with the analysis again, and a failure rolls it back to the version before it', async () => {
    await promoted('one');
    const two = await promoted('two');
    project.analysis.passed = false;
    const run = await project.cli(gateArgs(project, 'canary', two));
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ reverified: true, moves: [{ from: '2', to: '1', kind: 'rollback' }] });
    expect(await project.registry.getAlias('churn', 'canary')).toBe('1');
  });
});
