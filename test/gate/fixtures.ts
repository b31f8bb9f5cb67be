import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openRegistry } from '../../shared/registry/index.js';
import type { Registry } from '../../shared/registry/types.js';
import type { StepDefinition } from '../../shared/runner/types.js';
import { createGateStep } from '../../shared/steps/gate.js';
import { rollbackStep } from '../../shared/steps/rollback.js';
import { verifyStep } from '../../shared/steps/verify.js';
import type { AnalysisOutcome, AnalysisSpec, RunAnalysis } from '../../shared/gate/types.js';
import { runCliCaptured, type CliRun } from '../helpers/run-cli.js';
import { makeBoundEvidence, makeModel, tempDir } from '../registry/fixtures.js';

/** A project directory with a file registry beside it, where models are pushed as push-model would (evidence bound to the content). */
export interface GateProject {
  dir: string;
  uri: string;
  registry: Registry;
  /** The clock the gate reads. */
  clock: { now: number };
  analysisCalls: AnalysisSpec[];
  /** What the fake analysis answers next. */
  analysis: { passed: boolean };
  push(seed: string, options?: { evaluate?: 'passed' | 'failed'; evidenceOf?: string }): Promise<string>;
  config(yaml: string): Promise<void>;
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliRun & { json: Record<string, unknown> }>;
  steps: StepDefinition[];
  remove(): Promise<void>;
}

/** The analysis is the one part faked here: the Prometheus helper tests the real one against a real Prometheus. */
function fakeAnalysis(project: { analysisCalls: AnalysisSpec[]; analysis: { passed: boolean } }): RunAnalysis {
  return async (spec, deps): Promise<AnalysisOutcome> => {
    project.analysisCalls.push(spec);
    const passed = project.analysis.passed;
    const measurements = [{ metric: 'error_rate', index: 1, count: 1, value: passed ? 0.001 : 0.2, bound: '<= 0.01', passed, queries: ['sum(rate(errors[1m]))'], at: new Date(deps.now()).toISOString() }];
    deps.log(`error_rate 1/1: ${measurements[0]!.value} <= 0.01 ${passed ? 'pass' : 'FAIL'}`);
    return {
      passed,
      reason: passed ? 'error_rate: 0 of 1 measurements failed (limit 0)' : 'error_rate: 1 of 1 measurements failed (limit 0)',
      measurements,
      checks: [{ name: 'analysis:error_rate', passed, detail: passed ? '0.001 <= 0.01' : '0.2 > 0.01', data: { query: 'sum(rate(errors[1m]))', values: [measurements[0]!.value] } }],
    };
  };
}

export async function gateProject(): Promise<GateProject> {
  const dir = await tempDir('modelci-gate-');
  const root = join(dir, 'registry');
  const uri = `file://${root}`;
  const registry = openRegistry(uri, { cwd: dir, env: {} });
  const project: GateProject = {
    dir,
    uri,
    registry,
    clock: { now: Date.now() },
    analysisCalls: [],
    analysis: { passed: true },
    steps: [],
    async push(seed, options = {}) {
      const work = join(dir, 'work', seed);
      const model = await makeModel(join(work, 'model'), seed);
      const boundTo = options.evidenceOf ? await makeModel(join(work, 'other'), options.evidenceOf) : model;
      await makeBoundEvidence(work, boundTo, { status: options.evaluate ?? 'passed' });
      const evidence = ['train.json', 'evaluate.json'].map((name) => ({ name, absolute: join(work, '.modelci', 'evidence', name) }));
      return (await registry.push({ name: 'churn', path: model, evidence })).version;
    },
    async config(yaml) {
      await writeFile(join(dir, 'modelci.yaml'), yaml);
    },
    async cli(args, env = {}) {
      const run = await runCliCaptured([...args, '--format', 'json'], { cwd: dir, env: { USER: 'tester', ...env }, steps: project.steps });
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(run.stdout) as Record<string, unknown>;
      } catch {
        // Left empty: the assertion on the exit code shows stderr.
      }
      return { ...run, json };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  project.steps = [createGateStep({ now: () => project.clock.now, runAnalysis: async () => fakeAnalysis(project) }), verifyStep, rollbackStep];
  await mkdir(join(dir, 'work'), { recursive: true });
  return project;
}

export function gateArgs(project: GateProject, stage: string, version: string): string[] {
  return ['gate', '--stage-name', stage, '--name', 'churn', '--version', version, '--registry', project.uri];
}

export async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}
