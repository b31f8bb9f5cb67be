import type { InferredField } from '../../schema/infer.js';
import { cell, paragraph, raw, strong, table, type Block } from '../blocks.js';

export interface InferenceResult {
  data: string;
  output: string;
  rowCount: number;
  fields: InferredField[];
}

/** The inferred schema, field by field, for a person to review before committing it. */
export function inferSchemaSection(result: InferenceResult): Block[] {
  return [
    paragraph(raw('Schema '), strong(result.output), raw(' inferred from '), strong(result.data), raw(` (${result.rowCount} rows):`)),
    table(
      [cell('field'), cell('type'), cell('required'), cell('enum'), cell('missing')],
      result.fields.map((field) => [[field.name], cell(field.type), cell(field.required ? 'yes' : ''), cell(field.enum ? String(field.enum.length) : ''), cell(String(field.nulls))]),
    ),
  ];
}
