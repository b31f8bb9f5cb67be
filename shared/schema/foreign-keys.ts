import { usageError, type SourceLocation } from '../errors.js';
import { batchRows, type Table } from '../data/index.js';
import { didYouMean } from '../text/did-you-mean.js';
import { YamlSource } from '../text/yaml-source.js';
import { INVALID, type Value } from './casters.js';
import type { DataError } from './cell-result.js';
import { ErrorSink, PHASE_FOREIGN } from './error-sink.js';
import { matchHeader } from './header-check.js';
import { schemaSource, type FieldSpec, type TableSchema } from './load.js';
import { ReferenceProbe, ReferenceSet } from './reference-set.js';

/** One `foreignKeys` entry of a Table Schema; `resource` '' is the table itself. */
export interface ForeignKey {
  fields: string[];
  resource: string;
  referenceFields: string[];
  /** Where the entry is written, for refusing a reference that does not resolve. */
  location: SourceLocation;
}

/** A foreign key with the keys its reference holds, ready for validateTable. */
export interface ForeignKeyCheck {
  key: ForeignKey;
  set: ReferenceSet;
}

/**
 * The schema's `foreignKeys`, checked against its own fields: a key naming a field the schema
 * lacks is refused (frictionless-py refuses such a schema too). References are checked by
 * checkReference once the referenced resource is known.
 */
export function parseForeignKeys(schema: TableSchema): ForeignKey[] {
  const text = schemaSource(schema);
  if (text === undefined) return [];
  const source = YamlSource.parse(schema.file, text);
  const root = source.toJS() as Record<string, unknown>;
  const raw = root.foreignKeys;
  if (raw === undefined) return [];
  const fail = (message: string, path: (string | number)[], hint: string): never => {
    throw usageError(message, { code: 'schema-invalid', location: source.locateNode(source.nodeAt(path) ?? source.nodeAt(path.slice(0, -1))), hint });
  };
  if (!Array.isArray(raw)) fail('foreignKeys must be a list', ['foreignKeys'], 'e.g. foreignKeys: [{fields: [user_id], reference: {resource: users, fields: [id]}}]');
  const names = schema.fields.map((field) => field.name);
  return (raw as unknown[]).map((entry, i) => {
    const path = ['foreignKeys', i];
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(`foreignKeys[${i}] must be a mapping with fields and reference`, path, 'e.g. {fields: [user_id], reference: {resource: users, fields: [id]}}');
    const item = entry as Record<string, unknown>;
    const fields = nameList(item.fields, [...path, 'fields'], `foreignKeys[${i}].fields`, fail);
    fields.forEach((name, k) => {
      if (!names.includes(name)) fail(`foreignKeys[${i}] names '${name}', which is not a field of the schema`, typeof item.fields === 'string' ? [...path, 'fields'] : [...path, 'fields', k], didYouMean(name, names));
    });
    const reference = item.reference;
    if (typeof reference !== 'object' || reference === null || Array.isArray(reference)) return fail(`foreignKeys[${i}] needs a reference mapping`, path, "e.g. reference: {resource: users, fields: [id]} (resource '' is this table)");
    const ref = reference as Record<string, unknown>;
    if (ref.resource !== undefined && ref.resource !== null && typeof ref.resource !== 'string') fail(`foreignKeys[${i}].reference.resource must be a resource name`, [...path, 'reference', 'resource'], "'' (or no resource) refers to this table.");
    const referenceFields = nameList(ref.fields, [...path, 'reference', 'fields'], `foreignKeys[${i}].reference.fields`, fail);
    if (referenceFields.length !== fields.length) fail(`foreignKeys[${i}] has ${fields.length} field(s) but its reference has ${referenceFields.length}`, [...path, 'reference', 'fields'], 'A composite key lists as many reference fields as fields, in the same order.');
    return { fields, resource: typeof ref.resource === 'string' ? ref.resource : '', referenceFields, location: source.locateNode(source.nodeAt(path)) };
  });
}

function nameList(value: unknown, path: (string | number)[], what: string, fail: (message: string, path: (string | number)[], hint: string) => never): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) return fail(`${what} must be a field name or a list of field names`, path, 'e.g. fields: [user_id]');
  return list as string[];
}

/** Refuses a reference to fields the referenced schema lacks (frictionless-py would call every row broken). */
export function checkReference(key: ForeignKey, referenced: TableSchema, resourceName: string): void {
  const names = referenced.fields.map((field) => field.name);
  for (const name of key.referenceFields) {
    if (!names.includes(name)) {
      throw usageError(`a foreign key refers to field '${name}', which resource '${resourceName || 'this table'}' does not have`, {
        code: 'schema-invalid',
        location: key.location,
        hint: didYouMean(name, names),
      });
    }
  }
}

/**
 * Reads the referenced table's key columns into a ReferenceSet, with the cells cast as
 * frictionless-py's lookup does: a missing or unreadable cell is None, and rows whose key cells
 * are all None are left out.
 */
export async function collectReferenceKeys(table: Table, schema: TableSchema, fieldNames: string[], budget?: number, signal?: AbortSignal): Promise<ReferenceSet> {
  const expected = matchHeader(table, schema, new ErrorSink(0));
  const columns = fieldNames.map((name) => expected.findIndex((item) => !item.fabricated && item.field.name === name));
  const fields = columns.map((j) => (j === -1 ? undefined : expected[j]!.field));
  const set = new ReferenceSet(budget);
  const values: (Value | null)[] = new Array<Value | null>(fieldNames.length).fill(null);
  try {
    for await (const batch of table.batches) {
      if (signal?.aborted) throw usageError('validation cancelled', { code: 'cancelled' });
      for (const row of batchRows(batch)) {
        for (let c = 0; c < columns.length; c++) {
          const field = fields[c];
          const cell = field ? row[columns[c]!] : undefined;
          if (field === undefined || cell === undefined || cell === null || field.missingValues.has(String(cell))) values[c] = null;
          else {
            const value = field.cast(cell);
            values[c] = value === INVALID ? null : value;
          }
        }
        const key = keyOfValues(values, fields);
        if (key !== null) set.add(key);
      }
      if (batch.chunk) table.recycle?.(batch.chunk);
    }
  } catch (error) {
    set.dispose();
    throw error;
  }
  return set;
}

/**
 * A canonical key that equals another exactly when frictionless-py's tuples compare equal:
 * integers, numbers and years meet as numbers (1 == 1.0), booleans as 1 and 0 (True == 1 in
 * Python), dates, times and the other types only with their own type. Null when every value is.
 */
export function keyOfValues(values: readonly (Value | null)[], fields: readonly (FieldSpec | undefined)[]): string | number | null {
  let allNull = true;
  for (const value of values) if (value !== null && value !== undefined) allNull = false;
  if (allNull) return null;
  if (values.length === 1) return part(values[0]!, fields[0]!, true);
  let key = '';
  for (let c = 0; c < values.length; c++) {
    const value = values[c];
    key += value === null || value === undefined ? '\u0001' : String(part(value, fields[c]!, false));
    key += '\u0000';
  }
  return key;
}

const NUMERIC = new Set(['integer', 'number', 'year', 'boolean']);

function part(value: Value, field: FieldSpec, single: boolean): string | number {
  const numeric = NUMERIC.has(field.type);
  if (typeof value === 'boolean') return single ? (value ? 1 : 0) : value ? 'n1' : 'n0';
  if (typeof value === 'number' && numeric) return single ? value : `n${value}`;
  if (typeof value === 'string' && (field.type === 'string' || field.type === 'any')) return `s${value}`;
  return `${field.type}:${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

/** One foreign key as the row loop checks it: the columns of its fields and its probe. */
export interface ForeignKeyState {
  check: ForeignKeyCheck;
  columns: number[];
  fields: FieldSpec[];
  probe: ReferenceProbe;
}

/** The foreign keys whose fields all appear in the header (frictionless-py skips the others). */
export function foreignKeyStates(checks: readonly ForeignKeyCheck[], fields: readonly FieldSpec[], checkable: readonly boolean[]): ForeignKeyState[] {
  const states: ForeignKeyState[] = [];
  for (const check of checks) {
    const columns = check.key.fields.map((name) => fields.findIndex((field, j) => checkable[j] && field.name === name));
    if (columns.includes(-1)) continue;
    states.push({ check, columns, fields: columns.map((j) => fields[j]!), probe: new ReferenceProbe(check.set) });
  }
  return states;
}

function note(key: ForeignKey, shown: string | undefined): string {
  const values = shown === undefined ? '' : ` values "${shown}"`;
  return `for "${key.fields.join(', ')}":${values} not found in the lookup table "${key.resource}" as "${key.referenceFields.join(', ')}"`;
}

export function foreignKeyError(rowNumber: number, key: ForeignKey, shown: string | undefined): DataError {
  const text = note(key, shown);
  return { code: 'foreign-key', message: `Row at position "${rowNumber}" violates the foreign key: ${text}`, rowNumber, note: text };
}

/** Checks one row's foreign keys; `source(j)` is the cell as written, for the message. */
export function checkForeignKeys(
  states: readonly ForeignKeyState[],
  values: readonly (Value | null)[],
  rowNumber: number,
  line: number | undefined,
  source: (j: number) => unknown,
  emit: (error: DataError, phase: number) => void,
): void {
  for (const state of states) {
    const row = state.columns.map((j) => values[j] ?? null);
    const key = keyOfValues(row, state.fields);
    if (key === null) continue;
    const found = state.probe.check(key, rowNumber);
    if (found !== false) continue;
    const shown = state.columns.map((j, c) => (row[c] === null ? 'None' : String(source(j)))).join(', ');
    const error = foreignKeyError(rowNumber, state.check.key, shown);
    emit(line === undefined ? error : { ...error, line }, PHASE_FOREIGN);
  }
}

/** The misses found at the end against spilled sets: counted in the sink, the first listed (without values, which were not kept). */
export function finishForeignKeys(states: readonly ForeignKeyState[], sink: ErrorSink, limit: number): void {
  for (const state of states) {
    const found = state.probe.finish(limit);
    if (found.count === 0) continue;
    for (const rowNumber of found.rows) sink.keep(foreignKeyError(rowNumber, state.check.key, undefined), PHASE_FOREIGN);
    sink.count += found.count;
    sink.counts['foreign-key'] = (sink.counts['foreign-key'] ?? 0) + found.count;
  }
}

export function disposeForeignKeys(states: readonly ForeignKeyState[]): void {
  for (const state of states) state.probe.dispose();
}
