import { lazyCatalog } from './catalog.js';

/**
 * Every command the CLI, the actions and the GitLab components know, in pipeline order.
 * Add a step with one line; its module is imported only when the step is used.
 */
export const STEP_CATALOG = lazyCatalog([
  ['infer-schema', async () => (await import('./infer-schema.js')).inferSchemaStep],
  ['validate-data', async () => (await import('./validate-data.js')).validateDataStep],
  ['train', async () => (await import('./train.js')).trainStep],
  ['evaluate', async () => (await import('./evaluate.js')).evaluateStep],
  ['push-model', async () => (await import('./push-model.js')).pushModelStep],
  ['registry ls', async () => (await import('./registry-ls.js')).registryLsStep],
  ['registry show', async () => (await import('./registry-show.js')).registryShowStep],
  ['registry pull', async () => (await import('./registry-pull.js')).registryPullStep],
  ['registry alias', async () => (await import('./registry-alias.js')).registryAliasStep],
  ['registry history', async () => (await import('./registry-history.js')).registryHistoryStep],
]);

export const loadSteps = () => STEP_CATALOG.loadAll();
