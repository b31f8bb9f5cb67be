import { describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import { parseProjectConfig } from '../../shared/runner/project-config.js';
import type { StepDefinition } from '../../shared/runner/types.js';
import { gateStep } from '../../shared/steps/gate.js';
import { gateProject } from './fixtures.js';

const steps = new Map<string, StepDefinition>([['gate', gateStep as unknown as StepDefinition]]);

function refusal(yaml: string): ModelciError {
  try {
    parseProjectConfig('modelci.yaml', yaml, steps);
  } catch (error) {
    if (error instanceof ModelciError) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}

const ANALYSIS = `    analysis:
      prometheus: {url: 'http://127.0.0.1:9090'}
      interval: 30s
      count: 10
      failure-limit: 1
      metrics:
        - {name: error_rate, query: 'sum(rate(errors[5m]))', max: 0.01}
`;

describe('stages: in modelci.yaml', () => {
  it('loads stages with their defaults: environment is the stage name, rollback-on-failure true, durations in ms', () => {
    const config = parseProjectConfig('modelci.yaml', `stages:\n  - name: staging\n    requires: [evaluate, compare]\n  - name: canary\n    after: staging\n    min-soak: 1h30m\n${ANALYSIS}  - name: production\n    after: canary\n    approvals: environment\n    environment: prod\n`, steps);
    const [staging, canary, production] = config.stages!.stages;
    expect(staging).toMatchObject({ name: 'staging', requires: ['evaluate', 'compare'], environment: 'staging', rollbackOnFailure: true });
    expect(canary).toMatchObject({ after: 'staging', minSoakMs: 5_400_000, analysis: { interval: 30_000, count: 10, 'failure-limit': 1, 'initial-delay': 0 } });
    expect(production).toMatchObject({ approvals: 'environment', environment: 'prod' });
    expect(staging!.policyDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(config.stages!.stages.map((stage) => stage.policyDigest)).size).toBe(3);
  });

  it('gives the same policy digest to the same stage however its keys are ordered', () => {
    const a = parseProjectConfig('modelci.yaml', 'stages:\n  - name: staging\n    requires: [evaluate]\n    deploy: ./deploy.sh\n', steps);
    const b = parseProjectConfig('modelci.yaml', 'stages:\n  - deploy: ./deploy.sh\n    requires: [evaluate]\n    name: staging\n', steps);
    expect(a.stages!.stages[0]!.policyDigest).toBe(b.stages!.stages[0]!.policyDigest);
  });

  it.each([
    { name: 'a stage with no checks', yaml: 'stages:\n  - name: staging\n    deploy: ./deploy.sh\n', message: 'stage staging has no checks: with none, any version would pass', line: 2, column: 5 },
    { name: 'an after naming an unknown stage', yaml: 'stages:\n  - name: staging\n    requires: [evaluate]\n  - name: canary\n    after: stagign\n', message: "stage canary: after names an unknown stage 'stagign'", line: 5, column: 12, hint: "did you mean 'staging'?" },
    { name: 'a cycle through after', yaml: 'stages:\n  - name: a\n    after: b\n  - name: b\n    after: a\n', message: 'stages form a cycle through after: a -> b -> a', line: 3, column: 12 },
    { name: 'an unknown key', yaml: 'stages:\n  - name: staging\n    requires: [evaluate]\n    min_soak: 2h\n', message: "stage staging: unknown key 'min_soak'", line: 4, column: 5, hint: "did you mean 'min-soak'?" },
    { name: 'min-soak without after', yaml: 'stages:\n  - name: staging\n    requires: [evaluate]\n    min-soak: 2h\n', message: 'stage staging: min-soak needs after', line: 4, column: 15 },
    { name: 'a bare number as a duration', yaml: 'stages:\n  - name: canary\n    after: canary\n    min-soak: 7200\n', message: 'a duration such as 30s', line: 4, column: 15 },
    { name: 'an empty list', yaml: 'stages: []\n', message: "'stages' is empty", line: 1, column: 9 },
    { name: 'a metric with no bound', yaml: `stages:\n  - name: canary\n    requires: [evaluate]\n${ANALYSIS.replace(', max: 0.01', '')}`, message: 'a metric needs a bound', line: 10, column: 11 },
    { name: 'count 0', yaml: `stages:\n  - name: canary\n    requires: [evaluate]\n${ANALYSIS.replace('count: 10', 'count: 0').replace('failure-limit: 1', 'failure-limit: 0')}`, message: 'count must be at least 1', line: 7, column: 14 },
    { name: 'a gate in the pipeline with no stages', yaml: 'pipeline: [gate]\n', message: 'the pipeline runs gate, but modelci.yaml has no stages', line: 1, column: 12 },
  ])('refuses $name at load with exit 2 and the location', ({ yaml, message, line, column, hint }) => {
    const error = refusal(yaml);
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('config-stages');
    expect(error.message).toContain(message);
    expect(error.location).toEqual({ file: 'modelci.yaml', line, column });
    if (hint) expect(error.hint).toContain(hint);
  });

  it('refuses through the CLI with exit 2 and file:line:col, and a gate with no stages configured', async () => {
    const project = await gateProject();
    try {
      await project.config('stages:\n  - name: staging\n    requires: [evaluate]\n  - name: canary\n    after: nope\n');
      const refused = await project.cli(['gate', '--stage-name', 'canary', '--name', 'churn', '--version', '1', '--registry', project.uri]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/modelci\.yaml:5:12/);
      await project.config('version: 1\n');
      const none = await project.cli(['gate', '--stage-name', 'staging', '--name', 'churn', '--version', '1', '--registry', project.uri]);
      expect(none.code).toBe(2);
      expect(none.json).toMatchObject({ status: 'error', error: { code: 'config-stages' } });
      await project.config('stages:\n  - name: staging\n    requires: [evaluate]\n');
      const unknown = await project.cli(['gate', '--stage-name', 'stagign', '--name', 'churn', '--version', '1', '--registry', project.uri]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("did you mean 'staging'?");
      // The command line also takes the issue's `--stage`: the same input, the same refusal.
      const short = await project.cli(['gate', '--stage', 'stagign', '--name', 'churn', '--version', '1', '--registry', project.uri]);
      expect(short.code).toBe(2);
      expect(short.stderr).toContain("did you mean 'staging'?");
      const both = await project.cli(['gate', '--stage', 'staging', '--stage-name', 'production', '--name', 'churn', '--version', '1', '--registry', project.uri]);
      expect(both.code).toBe(2);
    } finally {
      await project.remove();
    }
  });
});
