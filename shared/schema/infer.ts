import { stringify } from 'yaml';
import { batchRows, checkDuplicateHeader, openTable, type Cell, type ReadOptions } from '../data/index.js';
import { createCaster, INVALID, type Caster, type FieldType } from './casters.js';

/**
 * Schema inference over every row, in constant memory per column: a column keeps the first
 * type in CANDIDATES that casts every non-missing value, `required` when nothing is missing,
 * an `enum` when a string column has at most MAX_ENUM distinct values (TFDV's rule), and the
 * observed range as a comment (not a constraint: tomorrow's data may legitimately be wider).
 */
export const MAX_ENUM = 100;
const CANDIDATES: FieldType[] = ['integer', 'number', 'boolean', 'date', 'datetime', 'time', 'string'];

interface ColumnState {
  name: string;
  alive: boolean[];
  casters: Caster[];
  nulls: number;
  nonNull: number;
  distinct: Set<string> | null;
  min: number;
  max: number;
  sum: number;
  minLength: number;
  maxLength: number;
}

export interface InferredField {
  name: string;
  type: FieldType;
  required: boolean;
  enum?: (string | number)[];
  nulls: number;
  nonNull: number;
  min?: number;
  max?: number;
  mean?: number;
  minLength?: number;
  maxLength?: number;
  distinct?: number;
}

export interface InferredSchema {
  rowCount: number;
  fields: InferredField[];
}

export async function inferSchema(path: string, options: ReadOptions = {}): Promise<InferredSchema> {
  const table = await openTable(path, options);
  try {
    checkDuplicateHeader(table);
    const columns: ColumnState[] = table.header.map((name) => ({
      name,
      alive: CANDIDATES.map(() => true),
      casters: CANDIDATES.map((type) => createCaster({ type, format: 'default' })),
      nulls: 0,
      nonNull: 0,
      distinct: new Set<string>(),
      min: Infinity,
      max: -Infinity,
      sum: 0,
      minLength: Infinity,
      maxLength: 0,
    }));
    let rowCount = 0;
    for await (const batch of table.batches) {
      for (const row of batchRows(batch)) {
        if (row.every((cell) => cell === null || cell === '')) {
          rowCount++;
          for (const column of columns) column.nulls++;
          continue;
        }
        rowCount++;
        columns.forEach((column, j) => observe(column, row[j]));
      }
    }
    return { rowCount, fields: columns.map(finish) };
  } finally {
    await table.close();
  }
}

function observe(column: ColumnState, cell: Cell | undefined): void {
  if (cell === undefined || cell === null || cell === '') {
    column.nulls++;
    return;
  }
  column.nonNull++;
  for (let t = 0; t < CANDIDATES.length; t++) {
    if (!column.alive[t]) continue;
    const value = column.casters[t]!(cell);
    if (value === INVALID) column.alive[t] = false;
  }
  const text = String(cell);
  if (column.distinct) {
    column.distinct.add(text);
    if (column.distinct.size > MAX_ENUM) column.distinct = null;
  }
  if (text.length < column.minLength) column.minLength = text.length;
  if (text.length > column.maxLength) column.maxLength = text.length;
  const number = typeof cell === 'number' ? cell : Number(text);
  if (Number.isFinite(number)) {
    if (number < column.min) column.min = number;
    if (number > column.max) column.max = number;
    column.sum += number;
  }
}

function finish(column: ColumnState): InferredField {
  const index = column.nonNull === 0 ? CANDIDATES.length - 1 : column.alive.indexOf(true);
  const type = CANDIDATES[index === -1 ? CANDIDATES.length - 1 : index]!;
  const field: InferredField = { name: column.name, type, required: column.nulls === 0 && column.nonNull > 0, nulls: column.nulls, nonNull: column.nonNull };
  if (type === 'integer' || type === 'number') {
    field.min = column.min;
    field.max = column.max;
    field.mean = column.sum / column.nonNull;
  }
  if (column.distinct) field.distinct = column.distinct.size;
  if (type === 'string') {
    field.minLength = column.minLength;
    field.maxLength = column.maxLength;
    if (column.distinct && column.distinct.size > 0 && column.distinct.size <= MAX_ENUM && column.distinct.size < column.nonNull) {
      field.enum = [...column.distinct].sort();
    }
  }
  return field;
}

function format(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** The schema as YAML ready to commit: a valid Table Schema, observations as comments. */
export function schemaYaml(schema: InferredSchema, source: string): string {
  const out: string[] = [];
  out.push(`# Table Schema inferred by \`modelci infer-schema\` from ${source} (${schema.rowCount} rows).`);
  out.push('# Review before committing: tighten types, add constraints; observed values are comments.');
  out.push('# Dataset checks (row count, nulls, statistics) go under x-modelci: see docs/table-schema-extensions.md.');
  out.push('fields:');
  for (const field of schema.fields) {
    out.push(`  - name: ${scalar(field.name)}`);
    out.push(`    type: ${field.type}`);
    const constraints: string[] = [];
    if (field.required) constraints.push('      required: true');
    if (field.enum) constraints.push(`      enum: [${field.enum.map((value) => JSON.stringify(value)).join(', ')}]`);
    if (constraints.length > 0) out.push('    constraints:', ...constraints);
    const observed: string[] = [];
    if (field.min !== undefined && Number.isFinite(field.min)) observed.push(`min ${format(field.min)}`, `max ${format(field.max!)}`, `mean ${format(field.mean!)}`);
    if (field.minLength !== undefined && Number.isFinite(field.minLength)) observed.push(`length ${field.minLength}..${field.maxLength}`);
    if (field.distinct !== undefined) observed.push(`${field.distinct} distinct`);
    else observed.push(`more than ${MAX_ENUM} distinct`);
    observed.push(`${field.nulls} missing of ${schema.rowCount}`);
    out.push(`    # observed: ${observed.join(', ')}`);
  }
  out.push('missingValues: [""]');
  return `${out.join('\n')}\n`;
}

function scalar(value: string | number): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}
