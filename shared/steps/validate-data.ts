import { relative, resolve, isAbsolute } from 'node:path';
import { z } from 'zod';
import { usageError } from '../errors.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { validateDataSection } from '../report/sections/validate-data.js';
import { loadSchema } from '../schema/load.js';
import { validateTable, type CheckResult, type DataError } from '../schema/validate.js';
import { DRIFT_OUTPUTS, driftOptionsFromInputs, driftOutputs, driftStepInputs, runDrift, type DriftReport } from '../drift/index.js';
import { checkDriftSection, driftSettingSchema, type DriftOptionsInput } from '../drift/options.js';
import { validateDataResult } from '../schema/result-schema.js';
import { defineStep } from '../runner/types.js';

const inputs = z.object({
  data: z.string().min(1).describe('Data file to check: CSV/TSV (optionally .gz), JSON Lines (.jsonl, .ndjson) or Parquet.'),
  schema: z.string().min(1).describe('Frictionless Table Schema (JSON or YAML); dataset checks go under `x-modelci` (see docs/table-schema-extensions.md).'),
  dataFormat: z.enum(['csv', 'jsonl', 'parquet']).optional().describe('Format of the data file; detected from the extension when absent.'),
  delimiter: z.string().optional().describe('CSV field delimiter (default `,`, or tab for .tsv); `\\t` means tab.'),
  maxErrors: z.number().int().positive().default(1000).describe('How many errors to list in the result; counts are always exact.'),
  annotations: z.number().int().min(0).default(10).describe('How many of the first errors become annotations on the data file (GitHub shows them in the PR diff).'),
  maxFieldSize: z.number().positive().default(1).describe('Largest CSV row in MiB before the file is refused as broken (an unterminated quote or a binary file).'),
  ...driftStepInputs,
});

export type ValidateDataInputs = z.infer<typeof inputs>;

// A type alias (not an interface) so it fits StepResult's Record<string, unknown> data.
export type ValidateDataData = {
  data: string;
  schema: string;
  rowCount: number;
  errorCount: number;
  errorCounts: Record<string, number>;
  errors: DataError[];
  checks: CheckResult[];
  /** Present when a reference was given; `failed` and `cause` say whether and why drift fails the step. */
  drift?: DriftReport & { failed: boolean; cause?: string };
};

export const validateDataStep = defineStep({
  name: 'validate-data',
  description: 'Checks a CSV, JSON Lines or Parquet file against a Frictionless Table Schema plus dataset checks (row count, duplicates, nulls, statistics).',
  inputs,
  result: validateDataResult,
  settings: { drift: driftSettingSchema },
  outputs: {
    'row-count': 'Number of data rows read (blank rows included, as Frictionless counts).',
    'error-count': 'Exact number of data errors.',
    'failed-checks': 'Comma-separated names of the checks that failed.',
    ...DRIFT_OUTPUTS,
  },
  async run(input, ctx) {
    const dataPath = resolve(ctx.cwd, input.data);
    const schemaPath = resolve(ctx.cwd, input.schema);
    const show = (path: string) => {
      const rel = relative(ctx.cwd, path);
      return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
    };
    const schema = await loadSchema(schemaPath).catch((error: unknown) => {
      throw relocate(error, schemaPath, show(schemaPath));
    });
    const report = await ctx.platform.group(`validate ${show(dataPath)}`, () =>
      validateTable(dataPath, schema, {
        maxErrors: input.maxErrors,
        maxFieldSize: Math.round(input.maxFieldSize * (1 << 20)),
        signal: ctx.signal,
        ...(input.dataFormat ? { format: input.dataFormat } : {}),
        ...(input.delimiter !== undefined ? { delimiter: input.delimiter } : {}),
      }),
    ).catch((error: unknown) => {
      throw relocate(error, dataPath, show(dataPath));
    });
    if (report.rowCount === 0) {
      throw usageError(`${show(dataPath)} has a header but no data rows`, {
        code: 'data-no-rows',
        location: { file: show(dataPath), line: 2 },
        hint: 'An empty table usually means an upstream step failed; check how the file was produced.',
      });
    }
    const failed = report.checks.filter((check) => check.status === 'failed');
    const drift = input.reference
      ? await ctx.platform.group(`drift against ${input.reference}`, () =>
          runDrift({
            reference: input.reference!,
            current: dataPath,
            options: driftOptionsFromInputs(input, { ...checkDriftSection(schema.checks.drift, show(schemaPath)), ...(ctx.settings?.values.drift as DriftOptionsInput | undefined) }),
            schema: { fields: schema.fields },
            ...(input.dataFormat || input.delimiter !== undefined ? { readOptions: { ...(input.dataFormat ? { format: input.dataFormat } : {}), ...(input.delimiter !== undefined ? { delimiter: input.delimiter } : {}) } } : {}),
            ctx,
          }),
        )
      : undefined;
    const status = failed.length === 0 && !drift?.failed ? 'passed' : 'failed';
    const failedNames = [...failed.map((check) => check.name + (check.field ? `(${check.field})` : '')), ...(drift?.failed ? ['drift'] : [])];
    const file = show(dataPath);
    const annotated = report.errors.slice(0, input.annotations);
    for (const error of annotated) {
      ctx.platform.error(`${error.code}: ${error.message}`, { file, ...(error.line !== undefined ? { line: error.line } : {}) });
    }
    if (annotated.length > 0 && report.errorCount > annotated.length) {
      const counts = Object.entries(report.errorCounts).map(([code, count]) => `${count} ${code}`).join(', ');
      ctx.platform.error(`... and ${report.errorCount - annotated.length} more error(s) (${report.errorCount} in all: ${counts}); the job summary lists the first ${Math.min(20, report.errors.length)}, --format json the first ${report.errors.length}`, { file });
    }
    if (drift?.cause) ctx.platform.error(`drift fails the step: ${drift.cause}`, { file });
    for (const check of failed) {
      if (check.name !== 'table-schema') ctx.platform.error(`${check.name}${check.field ? ` (${check.field})` : ''}: ${check.message}`, { file });
    }
    const summary =
      status === 'passed'
        ? `${file}: ${report.rowCount} rows valid, ${report.checks.length} check${report.checks.length === 1 ? "" : "s"} passed`
        : `${file}: ${report.errorCount} errors in ${report.rowCount} rows; failed: ${failedNames.join(', ')}`;
    const fullSummary = drift ? `${summary}; ${drift.summary}` : summary;
    const data: ValidateDataData = {
      data: file,
      schema: show(schemaPath),
      rowCount: report.rowCount,
      errorCount: report.errorCount,
      errorCounts: report.errorCounts,
      errors: report.errors,
      checks: report.checks,
      ...(drift ? { drift: { ...drift.drift, failed: drift.failed, ...(drift.cause ? { cause: drift.cause } : {}) } } : {}),
    };
    return {
      status,
      summary: fullSummary,
      data,
      outputs: {
        'row-count': String(report.rowCount),
        'error-count': String(report.errorCount),
        'failed-checks': [...failed.map((check) => check.name + (check.field ? `:${check.field}` : '')), ...(drift?.failed ? ['drift'] : [])].join(','),
        ...(drift ? driftOutputs(drift.drift, drift.failed) : {}),
      },
      markdown: renderMarkdown(validateDataSection(data)),
      files: { inputs: [dataPath, schemaPath, ...(drift ? [resolve(ctx.cwd, input.reference!)] : [])] },
    };
  },
});

/** Errors from the readers name the absolute path; show the path the user typed. */
function relocate(error: unknown, absolute: string, shown: string): unknown {
  if (error && typeof error === 'object' && 'location' in error) {
    const location = (error as { location?: { file: string } }).location;
    if (location && location.file === absolute) location.file = shown;
    if (error instanceof Error) error.message = error.message.split(absolute).join(shown);
  }
  return error;
}
