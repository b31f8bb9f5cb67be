import { resolve } from 'node:path';
import { z } from 'zod';
import { messagePath } from '../files/paths.js';
import { relocateError as relocate } from '../files/relocate-error.js';
import { usageError } from '../errors.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { validateDataSection } from '../report/sections/validate-data.js';
import { loadSchema } from '../schema/load.js';
import type { ValidationReport } from '../schema/validate.js';
import { validateResource } from '../schema/package-validate.js';
import { loadDialectInput } from '../schema/package.js';
import { runPackage } from './validate-data-package.js';
import { DRIFT_OUTPUTS, driftOptionsFromInputs, driftOutputs, driftStepInputs, runDrift, type DriftReport } from '../drift/index.js';
import { checkDriftSection, driftSettingSchema, type DriftOptionsInput } from '../drift/options.js';
import { validateDataResult } from '../schema/result-schema.js';
import { defineStep } from '../runner/types.js';

const inputs = z.object({
  data: z.string().min(1).optional().describe('Data file to check: CSV/TSV (optionally .gz or .zip), JSON (.json: an array of rows), JSON Lines (.jsonl, .ndjson) or Parquet. Required unless `package` is given.'),
  schema: z.string().min(1).optional().describe('Frictionless Table Schema (JSON or YAML) of `data`; dataset checks go under `x-modelci` (see docs/table-schema-extensions.md). Required with `data`.'),
  package: z.string().min(1).optional().describe('Frictionless Data Package (datapackage.json, v1 or v2): validates every resource against its schema, with foreign keys across resources, instead of `data` and `schema`.'),
  dataFormat: z.enum(['csv', 'json', 'jsonl', 'parquet']).optional().describe('Format of the data file; detected from the extension when absent.'),
  dialect: z.string().min(1).optional().describe('CSV dialect of `data` (Frictionless Table Dialect): inline JSON such as `{"header": false}` or the path of a dialect file; keys delimiter, header, headerRows, headerJoin, commentChar, quoteChar, doubleQuote, escapeChar, skipInitialSpace.'),
  encoding: z.string().min(1).optional().describe('Text encoding of `data` (utf-8, utf-16, cp1252, latin-1, ...); detected when absent (UTF-8, else UTF-16 by its BOM, else cp1252 or latin-1) and reported in the result.'),
  delimiter: z.string().optional().describe('CSV field delimiter (default `,`, or tab for .tsv); `\\t` means tab.'),
  maxErrors: z.number().int().positive().default(1000).describe('How many errors to list in the result; counts are always exact.'),
  annotations: z.number().int().min(0).default(10).describe('How many of the first errors become annotations on the data file (GitHub shows them in the PR diff).'),
  maxFieldSize: z.number().positive().default(1).describe('Largest CSV row in MiB before the file is refused as broken (an unterminated quote or a binary file).'),
  ...driftStepInputs,
});

export type ValidateDataInputs = z.infer<typeof inputs>;

// A type alias (not an interface) so it fits StepResult's Record<string, unknown> data.
export type ValidateDataData = ValidationReport & {
  data: string;
  schema: string;
  /** The text encoding read (absent for Parquet). */
  encoding?: string;
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
    if (input.package !== undefined) {
      if (input.data !== undefined || input.schema !== undefined) throw usageError('give either --package or --data with --schema, not both', { code: 'package-invalid', location: { file: input.package }, hint: 'A data package names its files and schemas itself.' });
      return runPackage(input, ctx);
    }
    if (input.data === undefined || input.schema === undefined) {
      throw usageError(input.data === undefined ? 'validate-data needs --data (with --schema) or --package' : 'validate-data needs --schema with --data', { code: 'usage', hint: 'e.g. modelci validate-data --data train.csv --schema schema.json, or --package datapackage.json' });
    }
    const dataPath = resolve(ctx.cwd, input.data);
    const schemaPath = resolve(ctx.cwd, input.schema);
    const dialect = input.dialect !== undefined ? await loadDialectInput(input.dialect, ctx.cwd) : undefined;
    const show = (path: string) => messagePath(ctx.cwd, path);
    const schema = await loadSchema(schemaPath).catch((error: unknown) => {
      throw relocate(error, schemaPath, show(schemaPath));
    });
    for (const warning of schema.warnings ?? []) ctx.platform.warning(warning.message, { ...warning.location, file: show(schemaPath) });
    const report = await ctx.platform.group(`validate ${show(dataPath)}`, () =>
      validateResource(
        {
          name: '',
          paths: [dataPath],
          schema,
          read: {
            ...(input.dataFormat === 'json' ? { json: true } : input.dataFormat ? { format: input.dataFormat } : {}),
            ...(dialect?.delimiter !== undefined ? { delimiter: dialect.delimiter } : {}),
            ...(input.delimiter !== undefined ? { delimiter: input.delimiter } : {}),
            ...(dialect?.dialect ? { dialect: dialect.dialect } : {}),
            ...(input.encoding !== undefined ? { encoding: input.encoding } : {}),
          },
        },
        [],
        { maxErrors: input.maxErrors, maxFieldSize: Math.round(input.maxFieldSize * (1 << 20)), signal: ctx.signal },
      ),
    ).catch((error: unknown) => {
      throw relocate(error, dataPath, show(dataPath));
    });
    const failed = report.checks.filter((check) => check.status === 'failed');
    const ran = input.reference
      ? await ctx.platform.group(`drift against ${input.reference}`, () =>
          runDrift({
            reference: input.reference!,
            current: dataPath,
            options: driftOptionsFromInputs(input, { ...checkDriftSection(schema.checks.drift, show(schemaPath)), ...(ctx.settings?.values.drift as DriftOptionsInput | undefined) }),
            schema: { fields: schema.fields },
            ...(input.dataFormat || input.delimiter !== undefined ? { readOptions: { ...(input.dataFormat ? { format: driftFormat(input.dataFormat, show(dataPath)) } : {}), ...(input.delimiter !== undefined ? { delimiter: input.delimiter } : {}) } } : {}),
            ctx,
          }),
        )
      : undefined;
    // A header-only file is valid data, but drift against it would pass on nothing compared.
    const noRows = 'the data has no rows, so nothing was compared with the reference';
    const drift = ran && report.rowCount === 0 ? { ...ran, failed: true, cause: noRows, summary: `${ran.summary}; fails the step: ${noRows}` } : ran;
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
      ...(report.encoding ? { encoding: report.encoding } : {}),
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

/** Drift reads CSV, JSON Lines and Parquet; a JSON array file is refused rather than read as CSV. */
function driftFormat(format: 'csv' | 'json' | 'jsonl' | 'parquet', file: string): 'csv' | 'jsonl' | 'parquet' {
  if (format === 'json') throw usageError(`drift does not read JSON array files (${file})`, { code: 'data-format', location: { file }, hint: 'Convert the data to JSON Lines or CSV to check it for drift.' });
  return format;
}
