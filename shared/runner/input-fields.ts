import type { z } from 'zod';
import type { InputSchema } from './types.js';

export type InputKind = 'string' | 'number' | 'boolean' | 'enum' | 'string-list';

/** One input as every front door sees it: CLI flag, action.yml input, GitLab spec input, docs row. */
export interface InputField {
  /** The schema key (camelCase). */
  key: string;
  /** kebab-case: the CLI flag, action input and config key. */
  name: string;
  kind: InputKind;
  description: string;
  required: boolean;
  default?: unknown;
  choices?: string[];
  secret: boolean;
  integer: boolean;
}

export function kebabCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

interface Unwrapped {
  schema: z.ZodType;
  required: boolean;
  default?: unknown;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let current = schema;
  let required = true;
  let defaultValue: unknown;
  for (;;) {
    const def = current.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'optional' || def.type === 'nullable') {
      required = false;
    } else if (def.type === 'default' || def.type === 'prefault') {
      required = false;
      defaultValue = def.defaultValue;
    } else {
      return { schema: current, required, default: defaultValue };
    }
    current = def.innerType as z.ZodType;
  }
}

function kindOf(schema: z.ZodType, path: string): Pick<InputField, 'kind' | 'choices' | 'integer'> {
  const def = schema.def as { type: string; element?: z.ZodType; entries?: Record<string, string>; checks?: { _zod: { def: { check: string; format?: string } } }[] };
  switch (def.type) {
    case 'string':
      return { kind: 'string', integer: false };
    case 'number': {
      const integer = (def.checks ?? []).some((check) => check._zod.def.format === 'safeint' || check._zod.def.check === 'number_format');
      return { kind: 'number', integer };
    }
    case 'boolean':
      return { kind: 'boolean', integer: false };
    case 'enum':
      return { kind: 'enum', choices: Object.values(def.entries ?? {}), integer: false };
    case 'array':
      if (def.element && unwrap(def.element).schema.def.type === 'string') return { kind: 'string-list', integer: false };
      break;
  }
  throw new Error(`Input '${path}' has type '${def.type}'; step inputs must be string, number, boolean, enum or string array.`);
}

function metaOf(schema: z.ZodType): { description?: string; secret?: boolean } {
  const meta = (schema as unknown as { meta(): Record<string, unknown> | undefined }).meta() ?? {};
  return { description: schema.description ?? (meta.description as string | undefined), secret: meta.secret === true };
}

const cache = new WeakMap<InputSchema, InputField[]>();

export function inputFields(schema: InputSchema): InputField[] {
  const known = cache.get(schema);
  if (known) return known;
  const fields = Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => {
    const unwrapped = unwrap(field);
    const outer = metaOf(field);
    const inner = metaOf(unwrapped.schema);
    const description = outer.description ?? inner.description;
    if (!description) throw new Error(`Input '${key}' has no description; every input needs .describe().`);
    return {
      key,
      name: kebabCase(key),
      ...kindOf(unwrapped.schema, key),
      description,
      required: unwrapped.required,
      ...(unwrapped.default !== undefined ? { default: unwrapped.default } : {}),
      secret: Boolean(outer.secret || inner.secret),
    } satisfies InputField;
  });
  cache.set(schema, fields);
  return fields;
}
