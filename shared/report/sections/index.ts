import type { CompareData } from '../../compare/result.js';
import type { GateData } from '../../gate/result.js';
import type { EvaluateData } from '../../metrics/evaluation.js';
import type { PushModelData } from '../../registry/push-result.js';
import type { TrainData } from '../../train/types.js';
import type { Block } from '../blocks.js';
import { compareSection } from './compare.js';
import { evaluateSection } from './evaluate.js';
import { gateSection } from './gate.js';
import { inferSchemaSection, type InferenceResult } from './infer-schema.js';
import { pushModelSection } from './push-model.js';
import { trainSection } from './train.js';
import { validateDataSection, type ValidationResult } from './validate-data.js';

/** A step's record as a section reads it: the result validated against its step's schema. */
export interface SectionInput {
  step: string;
  status: string;
  result: unknown;
}

/** The blocks of one step's evidence; a step without a section gets none. */
export function sectionOf(record: SectionInput): Block[] {
  switch (record.step) {
    case 'validate-data':
      return validateDataSection(record.result as ValidationResult);
    case 'infer-schema':
      return inferSchemaSection(record.result as InferenceResult);
    case 'train':
      return trainSection(record.status, record.result as TrainData);
    case 'evaluate':
      return evaluateSection(record.result as EvaluateData);
    case 'compare':
      return compareSection(record.result as CompareData);
    case 'push-model':
      return pushModelSection(record.status, record.result as PushModelData);
    case 'gate':
      return gateSection(record.result as GateData);
    default:
      return [];
  }
}
