/**
 * Drift between a reference data file and the current one: the entry the validate-data step calls.
 * Reads both files as streams (bounded memory), types each shared column, runs the chosen method
 * per column and returns the report, its markdown and whether the step should fail.
 */
import { isAbsolute, resolve } from 'node:path';
import { readHeader, streamColumns, type ReadOptions } from '../data/index.js';
import { usageError } from '../errors.js';
import { ColumnAccumulator, type ColumnType } from './accumulate.js';
import { driftOptionsSchema, type DriftOptions, type DriftOptionsInput } from './options.js';
import { computeDrift, type ColumnPair, type DriftReport } from './report.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { driftSection } from '../report/sections/drift.js';

export { checkDriftSection, driftOptionsSchema, driftOptionsFromInputs, driftStepInputs, type DriftOptions, type DriftOptionsInput } from './options.js';
export { computeDrift, histogramChart, severity, type ColumnPair, type DriftColumn, type DriftReport } from './report.js';
export { ColumnAccumulator, cellNumber, type ColumnType } from './accumulate.js';

/** A Frictionless Table Schema field, as far as drift cares. */
export interface SchemaField {
  name: string;
  type?: string;
}

const NUMERIC_SCHEMA_TYPES = new Set(['number', 'integer', 'year']);
/** Time columns move by design between two windows; like Evidently, drift leaves them out unless listed. */
const TIME_SCHEMA_TYPES = new Set(['date', 'datetime', 'time', 'yearmonth', 'duration']);

/** Frictionless number/integer/year are numeric; every other type (string, boolean, date, ...) is categorical. */
export function typeFromSchema(field: SchemaField): ColumnType | undefined {
  if (!field.type || field.type === 'any') return undefined;
  return NUMERIC_SCHEMA_TYPES.has(field.type) ? 'numeric' : 'categorical';
}

/** What drift needs from the caller: where relative paths start, cancellation and a log. */
export interface DriftContext {
  cwd: string;
  signal: AbortSignal;
  platform?: { info(message: string): void; warning(message: string): void };
}

export interface RunDriftArgs {
  reference: string;
  current: string;
  options?: DriftOptionsInput | DriftOptions;
  /** Table Schema fields (of the current data) to take column types from. */
  schema?: { fields: SchemaField[] };
  readOptions?: ReadOptions;
  ctx?: DriftContext;
}

export interface DriftRun {
  drift: DriftReport;
  markdown: string;
  /** Whether the step should fail under options.failOn. */
  failed: boolean;
  /** Why it fails, when it does. */
  cause?: string;
  /** One line for logs. */
  summary: string;
  /** Files read (reference, current), for evidence digests. */
  files: string[];
}

async function accumulate(
  path: string,
  columns: string[],
  accumulators: Map<string, ColumnAccumulator>,
  readOptions: ReadOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!columns.length) return;
  for await (const batch of streamColumns(path, columns, readOptions)) {
    signal?.throwIfAborted();
    for (const name of columns) accumulators.get(name)!.add(batch.columns[name]!);
  }
}

function makeAccumulators(columns: string[], types: Map<string, ColumnType>, options: DriftOptions): Map<string, ColumnAccumulator> {
  return new Map(
    columns.map((name) => {
      const type = types.get(name);
      return [name, new ColumnAccumulator({ ...(type ? { type } : {}), sketchAbove: options.sketchAbove, sketchK: options.sketchK })];
    }),
  );
}

/** Columns whose accumulator lost the raw spellings before turning categorical: read them again. */
async function rescan(path: string, accumulators: Map<string, ColumnAccumulator>, readOptions: ReadOptions | undefined, signal: AbortSignal | undefined): Promise<void> {
  const names = [...accumulators].filter(([, acc]) => acc.needsRescan).map(([name]) => name);
  for (const name of names) accumulators.get(name)!.resetAsCategorical();
  await accumulate(path, names, accumulators, readOptions, signal);
}

export async function runDrift(args: RunDriftArgs): Promise<DriftRun> {
  const options = driftOptionsSchema.parse(args.options ?? {});
  const cwd = args.ctx?.cwd ?? process.cwd();
  const reference = isAbsolute(args.reference) ? args.reference : resolve(cwd, args.reference);
  const current = isAbsolute(args.current) ? args.current : resolve(cwd, args.current);
  const signal = args.ctx?.signal;

  const [refHeader, curHeader] = await Promise.all([readHeader(reference, args.readOptions), readHeader(current, args.readOptions)]);
  const ignore = new Set(options.ignore);
  let columns: string[];
  if (options.columns) {
    for (const name of options.columns) {
      const missingFrom = !refHeader.includes(name) ? reference : !curHeader.includes(name) ? current : undefined;
      if (missingFrom) {
        throw usageError(`drift column '${name}' is not in ${missingFrom}`, {
          code: 'drift-missing-column',
          location: { file: missingFrom, line: 1 },
          hint: 'List only columns present in both the reference and the current data.',
        });
      }
    }
    columns = options.columns.filter((name) => !ignore.has(name));
  } else {
    const timeColumns = new Set((args.schema?.fields ?? []).filter((f) => f.type && TIME_SCHEMA_TYPES.has(f.type)).map((f) => f.name));
    columns = curHeader.filter((name) => refHeader.includes(name) && !ignore.has(name) && !timeColumns.has(name));
  }
  const onlyOne = [...refHeader.filter((n) => !curHeader.includes(n)), ...curHeader.filter((n) => !refHeader.includes(n))];
  if (onlyOne.length) args.ctx?.platform?.info(`drift: not compared (in one file only): ${onlyOne.join(', ')}`);

  const types = new Map<string, ColumnType>();
  for (const field of args.schema?.fields ?? []) {
    const type = typeFromSchema(field);
    if (type) types.set(field.name, type);
  }
  for (const [name, type] of Object.entries(options.types)) types.set(name, type);

  const refAcc = makeAccumulators(columns, types, options);
  const curAcc = makeAccumulators(columns, types, options);
  await accumulate(reference, columns, refAcc, args.readOptions, signal);
  await accumulate(current, columns, curAcc, args.readOptions, signal);

  // A column is numeric only when it is numeric in both files.
  for (const name of columns) {
    const a = refAcc.get(name)!;
    const b = curAcc.get(name)!;
    if (a.type === 'categorical' && b.type !== 'categorical') b.forceCategorical();
    if (b.type === 'categorical' && a.type !== 'categorical') a.forceCategorical();
  }
  await rescan(reference, refAcc, args.readOptions, signal);
  await rescan(current, curAcc, args.readOptions, signal);

  const pairs: ColumnPair[] = columns.map((name) => ({
    name,
    reference: refAcc.get(name)!.distribution(),
    current: curAcc.get(name)!.distribution(),
  }));
  const report = computeDrift(pairs, options);
  const failed = decideFailure(report, options);
  const cause = failed ? failureCause(report, options) : undefined;
  const counted = report.comparedColumns
    ? `drift: ${report.driftedColumns}/${report.comparedColumns} columns drifted${report.datasetDrift ? ' (dataset drift)' : ''}`
    : 'drift: no columns to compare';
  const summary = cause ? `${counted}; fails the step: ${cause}` : counted;
  const markdown = renderMarkdown(driftSection({ ...report, failed, ...(cause ? { cause } : {}) }));
  return { drift: report, markdown, failed, ...(cause ? { cause } : {}), summary, files: [reference, current] };
}

/** Why drift fails the step, in words, for the text line, the summary and the annotation. */
export function failureCause(report: DriftReport, options: Pick<DriftOptions, 'failOn' | 'failColumns'>): string {
  const drifted = report.columns.filter((c) => c.drifted && (options.failOn !== 'columns' || options.failColumns.includes(c.name))).map((c) => c.name);
  if (options.failOn === 'dataset') return `dataset drift (${report.driftedColumns} of ${report.comparedColumns} columns drifted, at least ${report.shareThreshold * 100}% makes dataset drift)`;
  return `${options.failOn === 'columns' ? 'watched ' : ''}column${drifted.length === 1 ? '' : 's'} drifted: ${drifted.join(', ')} (drift fail-on: ${options.failOn})`;
}

export function decideFailure(report: DriftReport, options: Pick<DriftOptions, 'failOn' | 'failColumns'>): boolean {
  switch (options.failOn) {
    case 'dataset':
      return report.datasetDrift;
    case 'any':
      return report.columns.some((c) => c.drifted);
    case 'columns': {
      const listed = new Set(options.failColumns);
      return report.columns.some((c) => c.drifted && listed.has(c.name));
    }
    case 'never':
      return false;
  }
}

/** Step outputs (kebab-case) for action.yml; merge into validate-data's `outputs`. */
export const DRIFT_OUTPUTS: Record<string, string> = {
  'drift-detected': 'true when drift failed the step (under drift-fail-on) or the share of drifted columns reached the dataset-drift share (empty without --reference).',
  'drift-share': 'Share of compared columns that drifted, 0..1 (empty without --reference).',
  'drifted-columns': 'Comma-separated names of the drifted columns, worst first.',
};

export function driftOutputs(report: DriftReport, failed = false): Record<string, string> {
  return {
    // True when drift failed the step (whatever fail-on counts) or the dataset drifted.
    'drift-detected': String(report.datasetDrift || failed),
    'drift-share': String(report.share),
    'drifted-columns': report.columns.filter((c) => c.drifted).map((c) => c.name).join(','),
  };
}
