import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { compareResult } from '../compare/result.js';
import { stageFor, stageInputs } from '../gate/stage-access.js';
import { runGate } from '../gate/promote.js';
import { gateResult, type GateData } from '../gate/result.js';
import type { RunAnalysis } from '../gate/types.js';
import { sleep } from '../http/sleep.js';
import { evaluateResult } from '../metrics/evaluation.js';
import { registryFor, registryInputs } from '../registry/step-access.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { gateSection } from '../report/sections/gate.js';
import { defineStep, type StepResult } from '../runner/types.js';
import { trainResult } from '../train/result-schema.js';
import { validateDataResult } from '../schema/result-schema.js';

const inputs = z.object({
  stageName: stageInputs.stageName,
  ...registryInputs,
  version: z.string().min(1).describe('The version to promote into the stage (a number, or an alias such as `candidate`).'),
  environmentToken: stageInputs.environmentToken,
});

/** What the gate takes from outside the step: the clock and the live analysis (tests give their own). */
export interface GateStepDeps {
  now(): number;
  runAnalysis(): Promise<RunAnalysis>;
}

const defaultDeps: GateStepDeps = {
  now: () => Date.now(),
  runAnalysis: async () => (await import('../gate/analysis/run-analysis.js')).runAnalysis,
};

export function createGateStep(deps: GateStepDeps = defaultDeps) {
  return defineStep({
    name: 'gate',
    description: 'Promotes a model version into a stage (staging, canary, production) when its evidence, the previous stage, soak time, approvals and live analysis all pass; moves the stage alias by compare-and-set, rolls back a failed analysis, and attaches an audit record.',
    inputs,
    result: gateResult,
    outputs: {
      decision: '`allow` or `deny`.',
      stage: 'The stage gated.',
      version: 'The version gated.',
      'previous-version': 'The version the stage held before (empty when it held none).',
    },
    async run(options, ctx): Promise<StepResult<GateData>> {
      const { stage, policyUri } = stageFor(options.stageName, ctx);
      const registry = registryFor(options, ctx);
      const scratch = await mkdtemp(join(tmpdir(), 'modelci-gate-'));
      const analysis = stage.analysis ? await deps.runAnalysis() : async () => { throw new Error('no analysis configured'); };
      let data: GateData;
      try {
        data = await runGate({ stage, name: options.name, version: options.version, policyUri }, {
          registry,
          now: deps.now,
          runAnalysis: analysis,
          analysis: { sleep, log: (line) => ctx.platform.info(line), signal: ctx.signal, env: ctx.env, stage: stage.name, mask: (secret) => ctx.platform.mask(secret) },
          deployments: async () => (ctx.platform.deployments ? ctx.platform.deployments(options.environmentToken) : { unavailable: `the ${ctx.platform.name} platform has no environments or approvals` }),
          log: (line) => ctx.platform.info(line),
          who: ctx.platform.run().actor ?? ctx.env.USER ?? ctx.env.USERNAME ?? 'unknown',
          run: ctx.platform.run(),
          cwd: ctx.cwd,
          env: ctx.env,
          signal: ctx.signal,
          scratch,
          results: { train: trainResult, evaluate: evaluateResult, compare: compareResult, 'validate-data': validateDataResult },
        });
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      const allowed = data.decision === 'allow';
      for (const check of data.checks) if (!check.passed) ctx.platform.info(`deny: ${check.name}: ${check.detail}`);
      return {
        status: allowed ? 'passed' : 'failed',
        summary: `${data.decision} ${data.name} version ${data.version} into ${data.stage}: ${data.reason}`,
        data,
        outputs: { decision: data.decision, stage: data.stage, version: data.version, 'previous-version': data.previousVersion ?? '' },
        markdown: renderMarkdown(gateSection(data)),
        text: data.checks.map((check) => `${check.passed ? 'pass' : 'FAIL'} ${check.name}: ${check.detail}`),
      };
    },
  });
}

export const gateStep = createGateStep();
