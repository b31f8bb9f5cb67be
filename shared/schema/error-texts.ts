import type { Cell } from '../data/index.js';
import type { DataError } from './cell-result.js';
import type { FieldSpec } from './load.js';

const MAX_CELL = 200;

export function cut(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL)}…` : text;
}

export function cellText(cell: Cell | undefined): string {
  return cell === undefined || cell === null ? '' : String(cell);
}

export function withLine(error: DataError, line: number | undefined): DataError {
  if (line !== undefined) error.line = line;
  return error;
}

export function cellError(code: 'type-error' | 'constraint-error', rowNumber: number, field: FieldSpec, fieldNumber: number, source: Cell | undefined, note: string): DataError {
  const cell = cut(cellText(source));
  const message =
    code === 'type-error'
      ? `Type error in the cell "${cell}" in row "${rowNumber}" and field "${field.name}" at position "${fieldNumber}": ${note}`
      : `The cell "${cell}" in row at position "${rowNumber}" and field "${field.name}" at position "${fieldNumber}" does not conform to a constraint: ${note}`;
  return { code, message, rowNumber, fieldName: field.name, fieldNumber, cell, note };
}

export function uniqueError(rowNumber: number, field: FieldSpec, fieldNumber: number, source: Cell | undefined, previous: number): DataError {
  const note = `the same as in the row at position ${previous}`;
  return {
    code: 'unique-error',
    message: `Row at position "${rowNumber}" has unique constraint violation in field "${field.name}" at position "${fieldNumber}": ${note}`,
    rowNumber,
    fieldName: field.name,
    fieldNumber,
    ...(source === undefined ? {} : { cell: cut(cellText(source)) }),
    note,
  };
}

export function primaryKeyError(rowNumber: number, previous: number): DataError {
  const note = `the same as in the row at position ${previous}`;
  return { code: 'primary-key', message: `Row at position "${rowNumber}" violates the primary key: ${note}`, rowNumber, note };
}

export function uniqueKeyError(rowNumber: number, names: string[], previous: number): DataError {
  const note = `unique key (${names.join(', ')}) is the same as in the row at position ${previous}`;
  return { code: 'unique-error', message: `Row at position "${rowNumber}" violates a unique key: ${note}`, rowNumber, fieldName: names.join(', '), note };
}
