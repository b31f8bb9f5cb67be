import type { Table } from '../data/index.js';
import { createCaster } from './casters.js';
import type { DataError } from './cell-result.js';
import type { ErrorSink } from './error-sink.js';
import type { FieldSpec, TableSchema } from './load.js';

export interface Expected {
  field: FieldSpec;
  /** Fabricated `any` fields for labels the schema does not know check nothing. */
  fabricated: boolean;
}

/** Pairs labels with fields per `fieldsMatch` and reports label errors (frictionless-py's header rules). */
export function matchHeader(table: Table, schema: TableSchema, sink: ErrorSink): Expected[] {
  // frictionless-py strips each label before comparing it (helpers.stringify_label).
  const labels = table.header.map((label) => label.trim());
  const fields = schema.fields;
  const line = table.headerLine;
  const add = (error: DataError) => sink.add(line !== undefined ? { ...error, line } : error);
  const fabricate = (label: string, position: number): Expected => ({
    field: { name: label, type: 'any', format: 'default', position, cast: createCaster({ type: 'any', format: 'default' }), missingValues: new Set(['']), required: false, unique: false, constraints: [], checks: {}, descriptor: { name: label } },
    fabricated: true,
  });
  const pkNames = new Set(schema.primaryKey);
  if (schema.fieldsMatch === 'exact') {
    const expected = labels.map((label, i) => (i < fields.length ? { field: fields[i]!, fabricated: false } : fabricate(label, i + 1)));
    labels.forEach((label, i) => {
      if (i >= fields.length) add({ code: 'extra-label', message: `There is an extra label "${label}" in header at position "${i + 1}"`, fieldName: '', fieldNumber: i + 1, cell: label });
    });
    fields.slice(labels.length).forEach((field, offset) => {
      add({ code: 'missing-label', message: `There is a missing label in the header's field "${field.name}" at position "${labels.length + offset + 1}"`, fieldName: field.name, fieldNumber: labels.length + offset + 1 });
    });
    fields.slice(0, labels.length).forEach((field, i) => {
      const label = labels[i]!;
      const before = label ? labels.slice(0, i).flatMap((seen, k) => (seen === label ? [k + 1] : [])) : [];
      if (!label) add({ code: 'blank-label', message: `Label in the header in field at position "${i + 1}" is blank`, fieldName: field.name, fieldNumber: i + 1 });
      else if (before.length > 0) {
        add({ code: 'duplicate-label', message: `Label "${label}" in the header at position "${i + 1}" is duplicated to a label: at position "${before.join(', ')}"`, fieldName: field.name, fieldNumber: i + 1, cell: label });
      } else if (label !== field.name) add({ code: 'incorrect-label', message: `Label "${label}" in field ${field.name} at position "${i + 1}" does not match the field name in the schema`, fieldName: field.name, fieldNumber: i + 1, cell: label });
    });
    return expected;
  }
  const byName = new Map(fields.map((field) => [field.name, field]));
  const expected = labels.map((label, i) => {
    const field = byName.get(label);
    return field ? { field, fabricated: false } : fabricate(label, i + 1);
  });
  if (schema.fieldsMatch !== 'subset' && schema.fieldsMatch !== 'partial') {
    labels.forEach((label, i) => {
      if (!byName.has(label)) add({ code: 'extra-label', message: `There is an extra label "${label}" in header at position "${i + 1}"`, fieldName: '', fieldNumber: i + 1, cell: label });
    });
  }
  if (schema.fieldsMatch === 'partial' && fields.length > 0 && !labels.some((label) => byName.has(label))) {
    add({ code: 'unmatched-header', message: 'None of the labels in the header match a field in the schema' });
  }
  const present = new Set(labels);
  let missing = fields.filter((field) => !present.has(field.name));
  if (schema.fieldsMatch === 'superset' || schema.fieldsMatch === 'partial') missing = missing.filter((field) => field.required || pkNames.has(field.name));
  missing.forEach((field, offset) => {
    add({ code: 'missing-label', message: `There is a missing label in the header's field "${field.name}" at position "${labels.length + offset + 1}"`, fieldName: field.name, fieldNumber: labels.length + offset + 1 });
  });
  return expected;
}
