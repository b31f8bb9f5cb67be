import { readFile } from 'node:fs/promises';
import { displayValue } from '../text/display-value.js';
import { YamlSource } from '../text/yaml-source.js';
import { didYouMean } from '../text/did-you-mean.js';
import { usageError, type SourceLocation } from '../errors.js';
import { compileStrptime, StrptimeFormatError } from './strptime.js';
import { createCaster, FIELD_TYPES, INVALID, STRING_FORMATS, SUPPORTED_CONSTRAINTS, type Caster, type CastOptions, type FieldType, type Value } from './casters.js';
import { canonicalJson, parseJsonObject } from './python-values.js';
import { arrayItemRules } from './array-item.js';
import { parseDatasetChecks, parseFieldChecks, EXTENSION_KEY, type DatasetChecks, type FieldChecks } from './checks-spec.js';

export type FieldsMatch = 'exact' | 'equal' | 'subset' | 'superset' | 'partial';

export interface Constraint {
  name: string;
  /** Frictionless's note, e.g. `constraint "maximum" is "10"`. */
  note: string;
  /** True when the (non-null, cast) value satisfies the constraint. */
  test: (value: Value) => boolean;
  /** minimum, maximum, exclusiveMinimum, exclusiveMaximum: the bound as a number; minLength, maxLength: the limit. */
  bound?: number;
  /** pattern: the compiled, anchored expression. */
  regex?: RegExp;
  /** enum: the allowed values, cast to the field's type. */
  allowed?: Set<unknown>;
}

export interface FieldSpec {
  name: string;
  type: FieldType;
  format: string;
  /** 1-based position in the schema. */
  position: number;
  cast: Caster;
  missingValues: Set<string>;
  required: boolean;
  unique: boolean;
  constraints: Constraint[];
  checks: FieldChecks;
  /** The descriptor as written, for inference round-trips and reports. */
  descriptor: Record<string, unknown>;
}

export interface SchemaWarning {
  message: string;
  location: SourceLocation;
}

export interface TableSchema {
  file: string;
  fields: FieldSpec[];
  primaryKey: string[];
  uniqueKeys: string[][];
  fieldsMatch: FieldsMatch;
  checks: DatasetChecks;
  /** What was read differently from how it was written (deprecated forms), for the step to log. */
  warnings?: SchemaWarning[];
}

export const V2_TABLE_SCHEMA = 'https://datapackage.org/profiles/2.0/tableschema.json';
const FIELDS_MATCH: FieldsMatch[] = ['exact', 'equal', 'subset', 'superset', 'partial'];
const CONSTRAINT_KEYS = ['required', 'unique', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'enum', 'jsonSchema'];

/** Reads and checks a Table Schema (JSON or YAML); every mistake is a usageError at file:line:column. */
export async function loadSchema(file: string): Promise<TableSchema> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read schema ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      code: 'schema-unreadable',
      location: { file },
      hint: 'Check the --schema path; relative paths resolve against the working directory.',
      cause: error,
    });
  }
  return parseSchema(file, text);
}

export function parseSchema(file: string, text: string): TableSchema {
  const source = YamlSource.parse(file, text);
  const fail = (message: string, path: (string | number)[], hint: string, key?: string): never => {
    const node = key !== undefined ? source.pairAt(path, key) : source.nodeAt(path);
    throw usageError(message, { code: 'schema-invalid', location: source.locateNode(node ?? source.nodeAt(path.slice(0, -1))), hint });
  };
  const root = source.toJS() as unknown;
  if (!isObject(root)) fail('a Table Schema must be a mapping with a `fields` list', [], 'Start the file with `fields:`.');
  const descriptor = root as Record<string, unknown>;
  if (!Array.isArray(descriptor.fields)) fail('a Table Schema needs a `fields` list', [], 'Add `fields:` with one entry per column, e.g. `- {name: id, type: integer}`.', 'fields');
  const rawFields = descriptor.fields as unknown[];
  const v2 = isV2(descriptor.$schema);
  const warnings: SchemaWarning[] = [];
  const warn = (message: string, path: (string | number)[]) => warnings.push({ message, location: source.locateNode(source.nodeAt(path) ?? source.nodeAt(path.slice(0, -1))) });
  const context: FieldContext = { v2, fail, warn };
  const schemaMissing = parseMissingValues(descriptor.missingValues, ['missingValues'], context) ?? [''];
  const names = new Set<string>();
  const fields: FieldSpec[] = rawFields.map((raw, index) => {
    const path = ['fields', index];
    if (!isObject(raw)) return fail(`field ${index + 1} must be a mapping with a name and a type`, path, 'Write e.g. `- {name: id, type: integer}`.');
    const field = raw as Record<string, unknown>;
    if (typeof field.name !== 'string' || field.name === '') return fail(`field ${index + 1} has no name`, path, 'Every field needs `name:`.', 'name');
    if (names.has(field.name)) fail(`field name '${field.name}' appears twice`, [...path, 'name'], 'Field names must be unique.');
    names.add(field.name);
    return parseField(field, index, path, schemaMissing, context);
  });
  const fieldNames = fields.map((field) => field.name);
  const keyList = (value: unknown, path: (string | number)[], what: string): string[] => {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) {
      return fail(`${what} must be a field name or a list of field names`, path, 'e.g. primaryKey: [id]');
    }
    list.forEach((item: string, i) => {
      if (!names.has(item)) fail(`${what} names '${item}', which is not a field`, typeof value === 'string' ? path : [...path, i], didYouMean(item, fieldNames));
    });
    return list as string[];
  };
  const primaryKey = descriptor.primaryKey === undefined ? [] : keyList(descriptor.primaryKey, ['primaryKey'], 'primaryKey');
  let uniqueKeys: string[][] = [];
  if (descriptor.uniqueKeys !== undefined) {
    if (!Array.isArray(descriptor.uniqueKeys)) fail('uniqueKeys must be a list of lists of field names', ['uniqueKeys'], 'e.g. uniqueKeys: [[user_id, day]]');
    uniqueKeys = (descriptor.uniqueKeys as unknown[]).map((key, i) => keyList(key, ['uniqueKeys', i], 'uniqueKeys'));
  }
  const fieldsMatch = (descriptor.fieldsMatch ?? 'exact') as FieldsMatch;
  if (!FIELDS_MATCH.includes(fieldsMatch)) fail(`fieldsMatch must be one of ${FIELDS_MATCH.join(', ')}`, ['fieldsMatch'], didYouMean(String(fieldsMatch), FIELDS_MATCH));
  const checks = parseDatasetChecks(descriptor[EXTENSION_KEY], [EXTENSION_KEY], fail);
  const schema: TableSchema = { file, fields, primaryKey, uniqueKeys, fieldsMatch, checks, warnings };
  SOURCES.set(schema, text);
  return schema;
}

/** The text each parsed schema came from, so a worker thread can parse the same schema. */
const SOURCES = new WeakMap<TableSchema, string>();

/** The text parseSchema() read this schema from; undefined for schemas built another way. */
export function schemaSource(schema: TableSchema): string | undefined {
  return SOURCES.get(schema);
}

interface FieldContext {
  /** The schema declares Table Schema v2 (`$schema`); frictionless-py otherwise holds it to v1. */
  v2: boolean;
  fail: Fail;
  warn: (message: string, path: (string | number)[]) => void;
}

/** A `$schema` naming a Table Schema (or Data Package) 2.x profile. */
function isV2(value: unknown): boolean {
  return typeof value === 'string' && /\/2(?:\.\d+)*\//.test(value);
}

const ITEM_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'time'];

function parseField(field: Record<string, unknown>, index: number, path: (string | number)[], schemaMissing: string[], context: FieldContext): FieldSpec {
  const { fail } = context;
  const name = field.name as string;
  if ('required' in field) {
    fail(`field '${name}': \`required\` belongs under \`constraints\` (frictionless-py refuses it here, and it would not be enforced)`, path, `Write \`constraints: {required: ${field.required === false ? 'false' : 'true'}}\` instead.`, 'required');
  }
  const type = (field.type ?? 'string') as FieldType;
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    fail(`field '${name}' has an unknown type '${String(field.type)}'`, [...path, 'type'], didYouMean(String(field.type), FIELD_TYPES));
  }
  let format = field.format === undefined ? 'default' : String(field.format);
  if (format.startsWith('fmt:')) {
    context.warn(`field '${name}': the \`fmt:\` prefix of format '${format}' is deprecated (Table Schema v1.0-rc); read as '${format.slice(4)}'. Write format: '${format.slice(4)}'.`, [...path, 'format']);
    format = format.slice(4);
  }
  checkFormat(name, type, format, [...path, 'format'], fail);
  if (type === 'geojson') {
    context.warn(`field '${name}': geojson values are checked as JSON objects with a string \`type\`; frictionless-py also validates them against the ${format === 'topojson' ? 'TopoJSON' : 'GeoJSON'} JSON Schema, which modelci does not`, [...path, 'type']);
  }
  if (type === 'list' && field.itemType !== undefined && !ITEM_TYPES.includes(String(field.itemType))) {
    fail(`field '${name}' has an unsupported itemType '${String(field.itemType)}'`, [...path, 'itemType'], `itemType is one of ${ITEM_TYPES.join(', ')}.`);
  }
  for (const key of ['trueValues', 'falseValues'] as const) {
    if (field[key] !== undefined && (!Array.isArray(field[key]) || !(field[key] as unknown[]).every((v) => typeof v === 'string'))) {
      fail(`field '${name}': ${key} must be a list of strings`, [...path, key], `e.g. ${key}: ["yes", "y"]`);
    }
  }
  for (const key of ['decimalChar', 'groupChar', 'delimiter'] as const) {
    if (field[key] !== undefined && typeof field[key] !== 'string') fail(`field '${name}': ${key} must be a string`, [...path, key], `e.g. ${key}: ","`);
  }
  if (field.bareNumber !== undefined && typeof field.bareNumber !== 'boolean') fail(`field '${name}': bareNumber must be true or false`, [...path, 'bareNumber'], 'bareNumber: false strips currency signs and percent.');
  const options: CastOptions = {
    type,
    format,
    ...(typeof field.decimalChar === 'string' ? { decimalChar: field.decimalChar } : {}),
    ...(typeof field.groupChar === 'string' ? { groupChar: field.groupChar } : {}),
    ...(typeof field.bareNumber === 'boolean' ? { bareNumber: field.bareNumber } : {}),
    ...(Array.isArray(field.trueValues) ? { trueValues: field.trueValues as string[] } : {}),
    ...(Array.isArray(field.falseValues) ? { falseValues: field.falseValues as string[] } : {}),
    ...(typeof field.itemType === 'string' ? { itemType: field.itemType as FieldType } : {}),
    ...(typeof field.delimiter === 'string' ? { delimiter: field.delimiter } : {}),
  };
  let cast = createCaster(options);
  if (field.example !== undefined && field.example !== null && field.example !== '' && field.example !== 0 && field.example !== false) {
    // frictionless-py reads the example with a plain field of the same type and format.
    const example = field.example;
    const plain = createCaster({ type, format, ...(options.trueValues ? { trueValues: options.trueValues } : {}), ...(options.falseValues ? { falseValues: options.falseValues } : {}) });
    if (plain(typeof example === 'object' ? JSON.stringify(example) : (example as string | number | boolean)) === INVALID) {
      fail(`field '${name}': example ${JSON.stringify(example)} is not a valid ${type}`, [...path, 'example'], `Give an example value the field accepts (type ${type}, format ${format}).`);
    }
  }
  const fieldMissing = parseMissingValues(field.missingValues, [...path, 'missingValues'], context);
  const rawConstraints = field.constraints ?? {};
  if (!isObject(rawConstraints)) fail(`field '${name}': constraints must be a mapping`, [...path, 'constraints'], 'e.g. constraints: {required: true, minimum: 0}');
  const constraints: Constraint[] = [];
  let required = false;
  let unique = false;
  for (const [key, value] of Object.entries(rawConstraints as Record<string, unknown>)) {
    const at = [...path, 'constraints', key];
    if (!CONSTRAINT_KEYS.includes(key)) fail(`field '${name}' has an unknown constraint '${key}'`, [...path, 'constraints'], didYouMean(key, CONSTRAINT_KEYS), key);
    if (key === 'unique') {
      if (typeof value !== 'boolean') fail(`field '${name}': unique must be true or false`, at, 'unique: true');
      unique = value as boolean;
      continue;
    }
    if (key === 'jsonSchema') continue;
    if (!SUPPORTED_CONSTRAINTS[type].includes(key)) {
      fail(`constraint '${key}' is not supported by type '${type}' (field '${name}')`, at, `type '${type}' supports: ${SUPPORTED_CONSTRAINTS[type].join(', ')}, unique.`);
    }
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && !context.v2) {
      context.warn(`field '${name}': ${key} is Table Schema v2; frictionless-py refuses it without \`$schema: ${V2_TABLE_SCHEMA}\`. modelci checks it anyway.`, at);
    }
    const constraint = buildConstraint(name, type, key, value, cast, at, fail);
    if (key === 'required') required = value as boolean;
    if (constraint) constraints.push(constraint);
  }
  if (type === 'array' && field.arrayItem !== undefined) {
    if (!isObject(field.arrayItem)) fail(`field '${name}': arrayItem must be a mapping (a field without a name)`, [...path, 'arrayItem'], 'e.g. arrayItem: {type: integer, constraints: {minimum: 0}}');
    const itemDescriptor = { ...(field.arrayItem as Record<string, unknown>) };
    delete itemDescriptor.arrayItem;
    if (itemDescriptor.name === undefined) itemDescriptor.name = name;
    if (itemDescriptor.type === undefined) itemDescriptor.type = 'any';
    const item = parseField(itemDescriptor, index, [...path, 'arrayItem'], [''], context);
    const items = arrayItemRules(item, constraints);
    const parse = cast;
    cast = (cell) => {
      const value = parse(cell);
      return value === INVALID || items.typesPass(value as unknown[]) ? value : INVALID;
    };
    constraints.push(...items.constraints);
  }
  const categories = field.categories;
  if (categories !== undefined) {
    if (!Array.isArray(categories) || categories.length === 0) fail(`field '${name}': categories must be a non-empty list`, [...path, 'categories'], 'e.g. categories: [low, high] or [{value: 1, label: low}]');
    const allowed = new Set((categories as unknown[]).map((item) => String(isObject(item) ? (item as Record<string, unknown>).value : item)));
    constraints.push({ name: 'categories', note: `constraint "categories" is "${[...allowed].join(', ')}"`, test: (value) => allowed.has(String(value)) });
  }
  const checks = parseFieldChecks(field[EXTENSION_KEY], [...path, EXTENSION_KEY], name, type, fail);
  return {
    name,
    type,
    format,
    position: index + 1,
    cast,
    missingValues: new Set(fieldMissing ?? schemaMissing),
    required,
    unique,
    constraints,
    checks,
    descriptor: field,
  };
}

export type Fail = (message: string, path: (string | number)[], hint: string, key?: string) => never;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * missingValues: strings, or in Table Schema v2 also {value, label} objects, whose values and
 * labels must then be unique (frictionless-py's rules; plain strings may repeat, as in v1).
 */
function parseMissingValues(value: unknown, path: (string | number)[], context: FieldContext): string[] | undefined {
  const { fail } = context;
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return fail('missingValues must be a list of strings', path, 'e.g. missingValues: ["", "NA", "-"]');
  const objectForm = value.some(isObject);
  if (objectForm && !context.v2) {
    fail('missingValues in object form ({value, label}) are Table Schema v2', path, `Add \`$schema: ${V2_TABLE_SCHEMA}\` at the top of the schema, or write the values as plain strings.`);
  }
  const values = value.map((item, i) => {
    if (typeof item === 'string') return item;
    if (isObject(item) && typeof item.value === 'string' && (item.label === undefined || typeof item.label === 'string')) return item.value;
    return fail('missingValues entries must be strings (or {value, label} in Table Schema v2)', [...path, i], 'Quote values such as "NA" or "-".');
  });
  if (objectForm) {
    const labels = value.flatMap((item) => (isObject(item) && typeof item.label === 'string' ? [item.label] : []));
    for (const [what, list] of [['value', values], ['label', labels]] as const) {
      const repeated = list.find((item, i) => list.indexOf(item) !== i);
      if (repeated !== undefined) fail(`missing value ${what} "${repeated}" appears twice`, path, `Each missing value ${what} must be unique in the object form.`);
    }
  }
  return values;
}

function checkFormat(name: string, type: FieldType, format: string, path: (string | number)[], fail: Fail): void {
  if (format === 'default') return;
  if (type === 'string') {
    if (!STRING_FORMATS.includes(format)) fail(`field '${name}': unknown string format '${format}'`, path, `string formats: ${STRING_FORMATS.join(', ')}.`);
    return;
  }
  if (type === 'date' || type === 'time' || type === 'datetime') {
    if (format === 'any') return;
    const pattern = format;
    if (!pattern.includes('%')) fail(`field '${name}': format '${format}' is not 'default', 'any' or a strptime pattern`, path, "e.g. format: '%d/%m/%Y'");
    try {
      compileStrptime(pattern);
    } catch (error) {
      if (error instanceof StrptimeFormatError) fail(`field '${name}': ${error.message}`, path, 'Use Python strptime directives: %Y %m %d %H %M %S %f %z %y %b %B %p %j.');
      throw error;
    }
    return;
  }
  if (type === 'any' || type === 'geopoint' || type === 'geojson') return;
  fail(`field '${name}': type '${type}' takes no format (got '${format}')`, path, 'Remove `format`, or use it on string/date/time/datetime fields.');
}

function buildConstraint(name: string, type: FieldType, key: string, value: unknown, cast: Caster, path: (string | number)[], fail: Fail): Constraint | undefined {
  const note = `constraint "${key}" is "${displayValue(value)}"`;
  // Structured values compare as Python compares them: lists item by item, dicts by keys.
  const enumKey = (v: Value): unknown => (type === 'object' ? canonicalJson(parseJsonObject(v as string)) : Array.isArray(v) ? canonicalJson(v) : v);
  switch (key) {
    case 'required':
      if (typeof value !== 'boolean') fail(`field '${name}': required must be true or false`, path, 'required: true');
      return value ? { name: key, note, test: () => true } : undefined;
    case 'minLength':
    case 'maxLength': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(`field '${name}': ${key} must be a non-negative integer`, path, `e.g. ${key}: 3`);
      const limit = value as number;
      // Arrays count items, objects keys (frictionless-py takes len() of the value).
      const length =
        type === 'object'
          ? (v: Value) => Object.keys(parseJsonObject(v as string) ?? {}).length
          : (v: Value) => (typeof v === 'string' ? codePointLength(v) : Array.isArray(v) ? v.length : String(v).length);
      return key === 'minLength' ? { name: key, note, bound: limit, test: (v) => length(v) >= limit } : { name: key, note, bound: limit, test: (v) => length(v) <= limit };
    }
    case 'pattern': {
      if (typeof value !== 'string') return fail(`field '${name}': pattern must be a string`, path, "e.g. pattern: '[A-Z]{2}\\d+'");
      const regex = compilePattern(value);
      if (typeof regex === 'string') return fail(`field '${name}': invalid regular expression: ${regex}`, path, 'The pattern is a regular expression that must match the whole value.');
      return { name: key, note, test: (v) => regex.test(String(v)), regex };
    }
    case 'enum': {
      if (!Array.isArray(value) || value.length === 0) return fail(`field '${name}': enum must be a non-empty list`, path, 'e.g. enum: [red, green, blue]');
      const allowed = new Set<unknown>();
      value.forEach((item: unknown, i) => {
        const castValue = item === null ? INVALID : cast(typeof item === 'object' ? JSON.stringify(item) : (item as string | number | boolean));
        if (castValue === INVALID) fail(`field '${name}': enum value ${JSON.stringify(item)} is not a valid ${type}`, [...path, i], `Every enum value must be a ${type}.`);
        allowed.add(enumKey(castValue as Value));
      });
      return { name: key, note, test: (v) => allowed.has(enumKey(v)), allowed };
    }
    default: {
      // minimum, maximum, exclusiveMinimum, exclusiveMaximum
      const bound = value === null || typeof value === 'object' ? INVALID : cast(value as string | number | boolean);
      if (bound === INVALID || typeof bound !== 'number') return fail(`field '${name}': ${key} ${JSON.stringify(value)} is not a valid ${type}`, path, `Write ${key} as a ${type} value${type === 'date' ? ", e.g. '2024-01-31'" : ''}.`);
      const b = bound;
      if (key === 'minimum') return { name: key, note, bound: b, test: (v) => (v as number) >= b };
      if (key === 'maximum') return { name: key, note, bound: b, test: (v) => (v as number) <= b };
      if (key === 'exclusiveMinimum') return { name: key, note, bound: b, test: (v) => (v as number) > b };
      return { name: key, note, bound: b, test: (v) => (v as number) < b };
    }
  }
}

function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/**
 * The pattern must match the whole value (Table Schema: XML Schema regexes are implicitly
 * anchored); we wrap it in `^(?:...)$` so alternations are anchored too. Python's named groups
 * `(?P<n>...)` are accepted. Returns the compile error message for a bad pattern.
 */
export function compilePattern(pattern: string): RegExp | string {
  const translated = pattern.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  try {
    return new RegExp(`^(?:${translated})$`, 'u');
  } catch {
    try {
      return new RegExp(`^(?:${translated})$`);
    } catch (error) {
      return (error as Error).message;
    }
  }
}
