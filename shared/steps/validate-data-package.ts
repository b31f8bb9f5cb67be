import { resolve } from 'node:path';
import { usageError } from '../errors.js';
import { messagePath } from '../files/paths.js';
import { relocateError as relocate } from '../files/relocate-error.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { validateDataSection } from '../report/sections/validate-data.js';
import { loadPackage } from '../schema/package.js';
import { validateResource, type TableResource } from '../schema/package-validate.js';
import type { ValidationReport } from '../schema/validate.js';
import type { StepContext, StepResult } from '../runner/types.js';

/** One resource's part of a package result. */
export type ResourceResult = ValidationReport & {
  name: string;
  /** Its file(s), as shown. */
  data: string[];
  schema: string;
  encoding?: string;
};

interface PackageInputs {
  package?: string | undefined;
  maxErrors: number;
  annotations: number;
  maxFieldSize: number;
  reference?: string | undefined;
}

/**
 * `validate-data --package datapackage.json`: every resource validated against its schema, with
 * foreign keys across resources; the result totals the resources and lists each one.
 */
export async function runPackage(input: PackageInputs, ctx: StepContext): Promise<StepResult> {
  if (input.reference) {
    throw usageError('drift (--reference) compares one data file; it does not apply to a data package', { code: 'package-invalid', location: { file: input.package! }, hint: 'Run validate-data with --data and --reference for the table to check for drift.' });
  }
  const packagePath = resolve(ctx.cwd, input.package!);
  const show = (path: string) => messagePath(ctx.cwd, path);
  const described = await loadPackage(packagePath).catch((error: unknown) => {
    throw relocate(error, packagePath, show(packagePath));
  });
  const tables: TableResource[] = described.resources.map((resource) => ({ name: resource.name, paths: resource.paths, schema: resource.schema, read: resource.read }));
  const results: ResourceResult[] = [];
  for (const [i, resource] of described.resources.entries()) {
    const report = await ctx.platform
      .group(`validate resource ${resource.name}`, () =>
        validateResource(tables[i]!, tables, { maxErrors: input.maxErrors, maxFieldSize: Math.round(input.maxFieldSize * (1 << 20)), signal: ctx.signal }),
      )
      .catch((error: unknown) => {
        let moved = relocate(error, packagePath, show(packagePath));
        for (const path of resource.paths) moved = relocate(moved, path, show(path));
        if (resource.schemaFile) moved = relocate(moved, resource.schemaFile, show(resource.schemaFile));
        throw moved;
      });
    results.push({
      name: resource.name,
      data: resource.paths.map(show),
      schema: resource.schemaFile ? show(resource.schemaFile) : `${show(packagePath)}#resources[${resource.index}].schema`,
      rowCount: report.rowCount,
      errorCount: report.errorCount,
      errorCounts: report.errorCounts,
      errors: report.errors,
      checks: report.checks,
      ...(report.encoding ? { encoding: report.encoding } : {}),
    });
  }
  const errorCounts: Record<string, number> = {};
  for (const result of results) for (const [code, count] of Object.entries(result.errorCounts)) errorCounts[code] = (errorCounts[code] ?? 0) + count;
  const errors = results.flatMap((result) => result.errors).slice(0, input.maxErrors);
  const checks = results.flatMap((result) => result.checks.map((check) => ({ ...check, name: `${result.name}/${check.name}` })));
  const failed = checks.filter((check) => check.status === 'failed');
  let annotated = 0;
  for (const result of results) {
    for (const error of result.errors) {
      if (annotated++ >= input.annotations) break;
      ctx.platform.error(`${result.name}: ${error.code}: ${error.message}`, { file: result.data[0]!, ...(error.line !== undefined ? { line: error.line } : {}) });
    }
  }
  const rowCount = results.reduce((sum, result) => sum + result.rowCount, 0);
  const errorCount = results.reduce((sum, result) => sum + result.errorCount, 0);
  const status = failed.length === 0 ? 'passed' : 'failed';
  const perResource = results.map((result) => (result.errorCount === 0 && result.checks.every((check) => check.status === 'passed') ? `${result.name}: ${result.rowCount} rows valid` : `${result.name}: ${result.errorCount} errors in ${result.rowCount} rows`));
  const summary = `${show(packagePath)}: ${perResource.join('; ')}`;
  const data = {
    data: show(packagePath),
    schema: show(packagePath),
    package: show(packagePath),
    rowCount,
    errorCount,
    errorCounts,
    errors,
    checks,
    resources: results,
  };
  return {
    status,
    summary,
    data,
    outputs: {
      'row-count': String(rowCount),
      'error-count': String(errorCount),
      'failed-checks': failed.map((check) => check.name + (check.field ? `:${check.field}` : '')).join(','),
    },
    markdown: renderMarkdown(validateDataSection(data)),
    files: { inputs: [packagePath, ...described.resources.flatMap((resource) => [...resource.paths, ...(resource.schemaFile ? [resource.schemaFile] : [])])] },
  };
}
