import type { CheckResult, DataError } from '../../schema/validate.js';
import { cell, code, paragraph, raw, strong, table, type Block } from '../blocks.js';
import { driftSection, type DriftResult } from './drift.js';

/** What validate-data records; the section reads nothing else. */
export interface ValidationResult {
  data: string;
  schema: string;
  rowCount: number;
  errorCount: number;
  errors: DataError[];
  checks: CheckResult[];
  drift?: DriftResult;
}

/** How many errors the table lists; the evidence holds up to max-errors. */
const ERRORS_SHOWN = 20;

function checkDetails(check: CheckResult): string {
  if (check.examples && check.examples.length > 0 && check.status === 'failed') {
    return check.examples.map((example) => `row ${example.rowNumber ?? 'header'}${example.fieldName ? ` ${example.fieldName}` : ''}: ${example.code}${example.cell ? ` "${example.cell.slice(0, 40)}"` : ''}`).join('; ');
  }
  return check.message;
}

function observed(check: CheckResult): string {
  if (check.observed === undefined || check.observed === null) return check.count !== undefined ? String(check.count) : '';
  return String(check.observed);
}

/** A validation: the checks with what each measured, the first errors, and drift when a reference was given. */
export function validateDataSection(result: ValidationResult): Block[] {
  const blocks: Block[] = [paragraph(strong(result.data), raw(' against '), strong(result.schema), raw(`: ${result.rowCount} rows, ${result.errorCount} error${result.errorCount === 1 ? '' : 's'}.`))];
  blocks.push(table(
    [cell('status'), cell('check'), cell('field'), cell('observed'), cell('expected'), cell('details')],
    result.checks.map((check) => [cell(check.status === 'passed' ? '✅ passed' : '❌ failed'), [check.name], check.field ? [code(check.field)] : cell(''), cell(observed(check)), [check.expected ?? ''], [checkDetails(check)]]),
  ));
  if (result.errors.length > 0) {
    const shown = result.errors.slice(0, ERRORS_SHOWN);
    blocks.push(paragraph(raw(`First ${shown.length} of ${result.errorCount} errors:`)));
    blocks.push(table(
      [cell('row'), cell('line'), cell('field'), cell('code'), cell('cell'), cell('message')],
      shown.map((error) => [
        cell(error.rowNumber === undefined ? 'header' : String(error.rowNumber)),
        cell(error.line === undefined ? '' : String(error.line)),
        [error.fieldName ?? ''],
        [error.code],
        [(error.cell ?? '').slice(0, 60)],
        [error.note ?? error.message],
      ]),
      ['right', 'right', 'left', 'left', 'left', 'left'],
    ));
  }
  if (result.drift) blocks.push(...driftSection(result.drift));
  return blocks;
}
