import type { FieldSpec, TableSchema } from './load.js';
import type { DataError } from './cell-result.js';
import type { RunningStats } from './stats.js';

export interface CheckResult {
  /** e.g. `table-schema`, `row-count`, `duplicate-rows`, `null-fraction`, `mostly`, `mean`, `quantile`. */
  name: string;
  field?: string;
  status: 'passed' | 'failed';
  /** What was measured. */
  observed?: number | null;
  /** The rule, in words: `<= 0.01`, `1000..5000`. */
  expected?: string;
  /** How many errors (or rows) the check counted. */
  count?: number;
  message: string;
  /** First examples (errors) for the summary table. */
  examples?: DataError[];
}

export function round(value: number): number {
  return Number(value.toPrecision(6));
}

function describeRange(range: { min?: number; max?: number }): string {
  if (range.min !== undefined && range.max !== undefined) return `${range.min}..${range.max}`;
  return range.min !== undefined ? `>= ${range.min}` : `<= ${range.max}`;
}

function inRange(value: number, range: { min?: number; max?: number }): boolean {
  if (Number.isNaN(value)) return false;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

export function datasetChecks(
  schema: TableSchema,
  rowCount: number,
  duplicateRows: number,
  fields: FieldSpec[],
  checkable: boolean[],
  nulls: Float64Array,
  stats: (RunningStats | undefined)[],
  checks: CheckResult[],
): void {
  const { rowCount: range, maxDuplicateRows } = schema.checks;
  if (range) {
    const passed = inRange(rowCount, range);
    checks.push({ name: 'row-count', status: passed ? 'passed' : 'failed', observed: rowCount, expected: describeRange(range), message: `${rowCount} rows (expected ${describeRange(range)})` });
  }
  if (maxDuplicateRows !== undefined) {
    const passed = duplicateRows <= maxDuplicateRows;
    checks.push({ name: 'duplicate-rows', status: passed ? 'passed' : 'failed', observed: duplicateRows, expected: `<= ${maxDuplicateRows}`, count: duplicateRows, message: `${duplicateRows} rows repeat an earlier row (at most ${maxDuplicateRows} allowed)` });
  }
  fields.forEach((field, j) => {
    if (!checkable[j]) return;
    const c = field.checks;
    if (c.maxNullFraction !== undefined) {
      const fraction = rowCount === 0 ? 0 : nulls[j]! / rowCount;
      const passed = fraction <= c.maxNullFraction;
      checks.push({ name: 'null-fraction', field: field.name, status: passed ? 'passed' : 'failed', observed: round(fraction), expected: `<= ${c.maxNullFraction}`, count: nulls[j]!, message: `${nulls[j]} of ${rowCount} values in '${field.name}' are missing (${round(fraction)}, at most ${c.maxNullFraction})` });
    }
    const s = stats[j];
    if (!s) return;
    const measure = (name: string, value: number, rule: { min?: number; max?: number }, label: string) => {
      const passed = s.count > 0 && inRange(value, rule);
      checks.push({ name, field: field.name, status: passed ? 'passed' : 'failed', observed: s.count > 0 && Number.isFinite(value) ? round(value) : null, expected: describeRange(rule), message: `${label} of '${field.name}' is ${s.count > 0 ? round(value) : 'undefined (no values)'} (expected ${describeRange(rule)})` });
    };
    if (c.mean) measure('mean', s.mean, c.mean, 'mean');
    if (c.stddev) measure('stddev', s.stddev, c.stddev, 'standard deviation');
    if (c.min) measure('min', s.min, c.min, 'minimum');
    if (c.max) measure('max', s.max, c.max, 'maximum');
    for (const q of c.quantiles ?? []) measure('quantile', s.quantile(q.q), q, `quantile ${q.q}`);
  });
}
