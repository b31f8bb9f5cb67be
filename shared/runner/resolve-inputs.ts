import type { z } from 'zod';
import { usageError, type SourceLocation } from '../errors.js';
import { inputFields, type InputField } from './input-fields.js';
import type { InputSchema } from './types.js';

/** Values from the command line or action inputs: always text, lists as repeated values. */
export type ExplicitInputs = Map<string, string[]>;

export interface InputSources {
  explicit: ExplicitInputs;
  /** The step's section of modelci.yaml, already type-checked against the fields. */
  config?: Record<string, unknown>;
  /** Where to point errors about config values. */
  locateConfigValue?: (name: string) => SourceLocation | undefined;
  /** How explicit inputs are spelled to the user: `--name` (CLI) or `name` (action input). */
  spell: (field: InputField) => string;
  /** Filled with where each given input came from (by field name), for `run --dry-run`. */
  origins?: Map<string, 'explicit' | 'config'>;
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

function splitList(values: string[]): string[] {
  // Action inputs carry lists as one multi-line value; the CLI repeats the flag.
  return values.flatMap((value) => value.split(/\r?\n/)).map((item) => item.trim()).filter((item) => item !== '');
}

function coerceExplicit(field: InputField, values: string[], spelled: string): unknown {
  if (field.kind === 'string-list') return splitList(values);
  if (values.length > 1) {
    throw usageError(`${spelled} was given ${values.length} times`, { code: 'input-repeated', hint: 'Give it once; only list inputs may repeat.' });
  }
  const value = values[0] ?? '';
  if (field.kind === 'number') {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) {
      throw usageError(`${spelled} must be ${field.integer ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}`, { code: 'input-wrong-type', hint: field.description });
    }
    return number;
  }
  if (field.kind === 'boolean') {
    const lowered = value.toLowerCase();
    if (TRUE.has(lowered)) return true;
    if (FALSE.has(lowered)) return false;
    throw usageError(`${spelled} must be true or false, got ${JSON.stringify(value)}`, { code: 'input-wrong-type', hint: field.description });
  }
  return value;
}

function coerceConfig(field: InputField, value: unknown): unknown {
  if (field.kind === 'string-list') return (Array.isArray(value) ? value : [value]).map(String);
  if (field.kind === 'string' && typeof value === 'number') return String(value);
  return value;
}

/** Merges explicit > config > schema default, then validates with the step's zod schema. */
export function resolveInputs<Schema extends InputSchema>(schema: Schema, sources: InputSources): z.infer<Schema> {
  const fields = inputFields(schema);
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, 'explicit' | 'config'>();
  for (const field of fields) {
    const explicit = sources.explicit.get(field.name);
    // An empty action input means "not given" (GitHub passes every declared input).
    const given = explicit?.filter((value) => value !== '');
    if (given && given.length > 0) {
      merged[field.key] = coerceExplicit(field, given, sources.spell(field));
      origin.set(field.key, 'explicit');
    } else if (sources.config && field.name in sources.config) {
      merged[field.key] = coerceConfig(field, sources.config[field.name]);
      origin.set(field.key, 'config');
    }
  }
  for (const field of fields) {
    const from = origin.get(field.key);
    if (from) sources.origins?.set(field.name, from);
  }
  const parsed = schema.safeParse(merged);
  if (parsed.success) return parsed.data as z.infer<Schema>;

  const [issue] = parsed.error.issues;
  const key = String(issue?.path[0] ?? '');
  const field = fields.find((candidate) => candidate.key === key);
  if (!field) throw usageError(issue?.message ?? 'invalid inputs', { code: 'input-invalid' });
  if (!origin.has(key)) {
    throw usageError(`missing required input ${sources.spell(field)}`, { code: 'input-missing', hint: field.description });
  }
  const location = origin.get(key) === 'config' ? sources.locateConfigValue?.(field.name) : undefined;
  const where = origin.get(key) === 'config' ? `'${field.name}' in the config` : sources.spell(field);
  throw usageError(`${where}: ${issue?.message ?? 'invalid value'}`, {
    code: 'input-invalid',
    hint: field.description,
    ...(location ? { location } : {}),
  });
}
