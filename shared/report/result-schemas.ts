import type { z } from 'zod';
import { compareResult } from '../compare/result.js';
import { evaluateResult } from '../metrics/evaluation.js';
import { gateResult, rollbackResult, verifyResult } from '../gate/result.js';
import { pushModelResult } from '../registry/push-result.js';
import { inferSchemaResult, validateDataResult } from '../schema/result-schema.js';
import { trainResult } from '../train/result-schema.js';

/** The result schema of every step a report shows; test/report/report.test.ts holds it to the step catalog. */
export const REPORTED_RESULTS: Readonly<Record<string, z.ZodType>> = {
  'validate-data': validateDataResult,
  'infer-schema': inferSchemaResult,
  train: trainResult,
  evaluate: evaluateResult,
  compare: compareResult,
  'push-model': pushModelResult,
  gate: gateResult,
  verify: verifyResult,
  rollback: rollbackResult,
};

/** The order a report shows steps in: the pipeline's. */
export const STEP_ORDER = ['validate-data', 'infer-schema', 'train', 'evaluate', 'compare', 'push-model', 'gate', 'verify', 'rollback'];
