import { z } from 'zod';
import { evidenceRecord } from '../../shared/evidence/record.js';
import type { StepDefinition } from '../../shared/runner/types.js';

type JsonSchema = Record<string, unknown> & { $defs?: Record<string, unknown> };

const OPTIONS = { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' } as const;

function toJson(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, OPTIONS) as JsonSchema;
  return rest;
}

/** docs/evidence.schema.json: the record, and each step's result chosen by the record's `step`. */
export function evidenceSchemaDoc(steps: readonly StepDefinition[]): string {
  const { $defs: recordDefs, ...record } = toJson(evidenceRecord);
  const defs: Record<string, unknown> = { ...recordDefs };
  const withResult = steps.filter((step) => step.writesEvidence !== false && step.result);
  for (const step of withResult) {
    const { $defs: nested, ...result } = toJson(step.result!);
    Object.assign(defs, nested);
    defs[`${step.name}-result`] = result;
  }
  const document = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/modelci/modelci/docs/evidence.schema.json',
    title: 'modelci step evidence',
    description: 'Written by every modelci step to <out-dir>/evidence/<step>.json (atomically). Reports, gates and push-model read it. Generated from the zod schemas in shared/ (npm run gen).',
    ...record,
    allOf: withResult.map((step) => ({
      if: { properties: { step: { const: step.name } }, required: ['step'] },
      then: { properties: { result: { $ref: `#/$defs/${step.name}-result` } } },
    })),
    $defs: defs,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
