import { z } from 'zod';
import { stageFor, stageInputs } from '../gate/stage-access.js';
import { verifyResult, type VerifyData } from '../gate/result.js';
import { verifyStage } from '../gate/verify.js';
import { registryFor, registryInputs } from '../registry/step-access.js';
import { defineStep, type StepResult } from '../runner/types.js';

export const verifyStep = defineStep({
  name: 'verify',
  description: "Re-checks a stage: its current version was put there by a gate (or rollback) record whose content and policy digests still match; an alias moved by hand fails.",
  inputs: z.object({ stageName: stageInputs.stageName, ...registryInputs }),
  result: verifyResult,
  outputs: {
    verified: "'true' when the stage's version is covered by a matching record.",
    version: 'The version the stage holds (empty when none).',
  },
  async run(options, ctx): Promise<StepResult<VerifyData>> {
    const { stage } = stageFor(options.stageName, ctx);
    const data = await verifyStage(registryFor(options, ctx), options.name, stage);
    return {
      status: data.verified ? 'passed' : 'failed',
      summary: `${data.verified ? 'verified' : 'not verified'}: ${data.reason}`,
      data,
      outputs: { verified: String(data.verified), version: data.version ?? '' },
      text: data.checks.map((check) => `${check.passed ? 'pass' : 'FAIL'} ${check.name}: ${check.detail}`),
    };
  },
});
