import { pushModelStep } from './push-model.js';
import { registryAliasStep } from './registry-alias.js';
import { registryHistoryStep } from './registry-history.js';
import { registryLsStep } from './registry-ls.js';
import { registryPullStep } from './registry-pull.js';
import { registryShowStep } from './registry-show.js';
import { evaluateStep } from './evaluate.js';
import { trainStep } from './train.js';
import { inferSchemaStep } from './infer-schema.js';
import { validateDataStep } from './validate-data.js';
import type { StepDefinition } from './types.js';

/**
 * Every command the CLI, the actions and the GitLab components know, in pipeline order.
 * Add a step here with one import and one entry.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const STEPS: StepDefinition<any, any>[] = [
  inferSchemaStep,
  validateDataStep,
  trainStep,
  evaluateStep,
  pushModelStep,
  registryLsStep,
  registryShowStep,
  registryPullStep,
  registryAliasStep,
  registryHistoryStep,
];

export function stepsByName(): Map<string, StepDefinition> {
  return new Map(STEPS.map((step) => [step.name, step as StepDefinition]));
}
