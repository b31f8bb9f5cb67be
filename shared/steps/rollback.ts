import { z } from 'zod';
import { rollbackStage } from '../gate/rollback.js';
import { rollbackResult, type RollbackData } from '../gate/result.js';
import { stageFor, stageInputs } from '../gate/stage-access.js';
import { registryFor, registryInputs } from '../registry/step-access.js';
import { defineStep, type StepResult } from '../runner/types.js';

export const rollbackStep = defineStep({
  name: 'rollback',
  description: 'Moves a stage back to the version it held before its last move (compare-and-set) and attaches an audit record of the rollback to that version.',
  inputs: z.object({
    stageName: stageInputs.stageName,
    ...registryInputs,
    reason: z.string().default('manual rollback').describe('Why, for the audit record.'),
  }),
  result: rollbackResult,
  outputs: {
    'rolled-back': "'true' when the stage moved back.",
    version: 'The version the stage holds now.',
    'previous-version': 'The version it held before the rollback.',
  },
  async run(options, ctx): Promise<StepResult<RollbackData>> {
    const { stage, policyUri } = stageFor(options.stageName, ctx);
    const run = ctx.platform.run();
    const data = await rollbackStage(options.name, stage, options.reason, { registry: registryFor(options, ctx), now: () => Date.now(), who: run.actor ?? ctx.env.USER ?? ctx.env.USERNAME ?? 'unknown', run, policyUri });
    return {
      status: data.rolledBack ? 'passed' : 'failed',
      summary: data.rolledBack ? `rolled back ${data.name} ${data.reason}` : `not rolled back: ${data.reason}`,
      data,
      outputs: { 'rolled-back': String(data.rolledBack), version: (data.rolledBack ? data.to : data.from) ?? '', 'previous-version': data.from ?? '' },
    };
  },
});
