import { relative } from 'node:path';
import { z } from 'zod';
import { usageError } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import type { Stage, StagesConfig } from './stages.js';

/** Inputs the gate, verify and rollback share; spread into each step's z.object. */
export const stageInputs = {
  // Not `stage`: every GitLab component has its own `stage` input (the job's pipeline stage).
  stageName: z.string().min(1).describe('The stage, as named under `stages:` in modelci.yaml; its alias in the registry has the same name.'),
  environmentToken: z.string().optional().describe('Token that reads environment protection and approvals and writes deployments (GitHub: default GITHUB_TOKEN, needs `deployments: write` and `actions: read`; GitLab: an access token with the `api` scope, default MODELCI_GITLAB_TOKEN).').meta({ secret: true }),
};

/** The stage a step was asked for, from the config loaded with it; none configured is a usage error (exit 2). */
export function stageFor(name: string, ctx: { stages?: StagesConfig | undefined; cwd: string }): { stage: Stage; config: StagesConfig; policyUri: string } {
  const config = ctx.stages;
  if (!config) {
    throw usageError('no stages are configured: the gate has nothing to check', {
      code: 'config-stages',
      hint: 'Add stages to modelci.yaml (or pass --config FILE), e.g.\n    stages:\n      - name: staging\n        requires: [evaluate, compare]',
    });
  }
  const stage = config.stages.find((each) => each.name === name);
  if (!stage) {
    throw usageError(`unknown stage '${name}'`, { code: 'config-stages', location: config.locate(name), hint: didYouMean(name, config.stages.map((each) => each.name)) });
  }
  return { stage, config, policyUri: `${relative(ctx.cwd, config.file) || config.file}#stages/${stage.name}` };
}
