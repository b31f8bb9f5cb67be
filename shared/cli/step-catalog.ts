import { lazyCatalog } from '../runner/catalog.js';

/**
 * Every command the CLI, the actions and the GitLab components know, in pipeline order.
 * Add a step with one line; its module is imported only when the step is used.
 */
export const STEP_CATALOG = lazyCatalog([
  ['infer-schema', async () => (await import('../steps/infer-schema.js')).inferSchemaStep],
  ['validate-data', async () => (await import('../steps/validate-data.js')).validateDataStep],
  ['train', async () => (await import('../steps/train.js')).trainStep],
  ['evaluate', async () => (await import('../steps/evaluate.js')).evaluateStep],
  ['compare', async () => (await import('../steps/compare.js')).compareStep],
  ['push-model', async () => (await import('../steps/push-model.js')).pushModelStep],
  ['report', async () => (await import('../steps/report.js')).reportStep],
  ['gate', async () => (await import('../steps/gate.js')).gateStep],
  ['verify', async () => (await import('../steps/verify.js')).verifyStep],
  ['rollback', async () => (await import('../steps/rollback.js')).rollbackStep],
  ['registry ls', async () => (await import('../steps/registry-ls.js')).registryLsStep],
  ['registry show', async () => (await import('../steps/registry-show.js')).registryShowStep],
  ['registry pull', async () => (await import('../steps/registry-pull.js')).registryPullStep],
  ['registry alias', async () => (await import('../steps/registry-alias.js')).registryAliasStep],
  ['registry history', async () => (await import('../steps/registry-history.js')).registryHistoryStep],
]);

export const loadSteps = () => STEP_CATALOG.loadAll();
