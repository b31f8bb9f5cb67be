import { z } from 'zod';
import { driftResult } from '../drift/result-schema.js';
import type { DataError } from './cell-result.js';
import type { InferredField } from './infer.js';
import type { CheckResult } from './validate.js';

const dataErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  rowNumber: z.number().int().optional().describe('Frictionless row number: the header is row 1. Absent for header errors.'),
  fieldName: z.string().optional(),
  fieldNumber: z.number().int().optional(),
  cell: z.string().optional().describe('The cell as written, cut at 200 characters.'),
  note: z.string().optional(),
  line: z.number().int().optional().describe('Physical line in the data file where the row starts (text formats).'),
}) satisfies z.ZodType<DataError>;

const checkResultSchema = z.strictObject({
  name: z.string(),
  field: z.string().optional(),
  status: z.enum(['passed', 'failed']),
  observed: z.number().nullable().optional(),
  expected: z.string().optional(),
  count: z.number().int().optional(),
  message: z.string(),
  examples: z.array(dataErrorSchema).optional().describe('The first errors the check counted.'),
}) satisfies z.ZodType<CheckResult>;

/** The validate-data step's result; see docs/validate-data.md. */
export const validateDataResult = z.strictObject({
  data: z.string(),
  schema: z.string(),
  rowCount: z.number().int().min(0),
  errorCount: z.number().int().min(0),
  errorCounts: z.record(z.string(), z.number().int()),
  errors: z.array(dataErrorSchema).describe('The first max-errors errors; errorCount is exact.'),
  checks: z.array(checkResultSchema),
  drift: driftResult.optional().describe('Present when a reference was given.'),
  encoding: z.string().optional().describe('The text encoding read: as given, or detected (absent for Parquet and data packages).'),
  package: z.string().optional().describe('The data package validated; `resources` holds each resource.'),
  resources: z
    .array(
      z.strictObject({
        name: z.string(),
        data: z.array(z.string()).describe('The file(s) of the resource; several for a multi-file resource.'),
        schema: z.string(),
        rowCount: z.number().int().min(0),
        errorCount: z.number().int().min(0),
        errorCounts: z.record(z.string(), z.number().int()),
        errors: z.array(dataErrorSchema),
        checks: z.array(checkResultSchema),
        encoding: z.string().optional(),
      }),
    )
    .optional()
    .describe('Data packages: each resource, in the order of the package.'),
});

const inferredFieldSchema = z.strictObject({
  name: z.string(),
  type: z.string(),
  required: z.boolean(),
  enum: z.array(z.union([z.string(), z.number()])).optional(),
  nulls: z.number().int().min(0),
  nonNull: z.number().int().min(0),
  min: z.number().optional(),
  max: z.number().optional(),
  mean: z.number().optional(),
  minLength: z.number().int().optional(),
  maxLength: z.number().int().optional(),
  distinct: z.number().int().optional(),
});

/** The infer-schema step's result. */
export const inferSchemaResult = z.strictObject({
  data: z.string(),
  output: z.string(),
  rowCount: z.number().int().min(0),
  fields: z.array(inferredFieldSchema),
}) satisfies z.ZodType<{ data: string; output: string; rowCount: number; fields: Omit<InferredField, 'type'>[] }>;
