import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { usageError } from '../errors.js';
import { flatten } from './flatten.js';

export type Params = Record<string, unknown>;

/** Params file (YAML or JSON, flattened with dots) with `key=value` overrides on top. */
export async function loadParams(file: { path: string; display: string } | undefined, overrides: string[]): Promise<Params> {
  const params: Params = file ? await readParamsFile(file.path, file.display) : {};
  for (const [key, value] of parseOverrides(overrides)) {
    // `model=...` replaces the whole `model.*` subtree, as it would in the nested file.
    for (const existing of Object.keys(params)) if (existing.startsWith(`${key}.`)) delete params[existing];
    Object.assign(params, flatten(value, { keepArrays: true }, key));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) params[key] = value;
  }
  return params;
}

async function readParamsFile(path: string, display: string): Promise<Params> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`Params file '${display}' cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      code: 'train-params-missing',
      hint: 'Paths are relative to the working directory.',
      location: { file: display },
      cause: error,
    });
  }
  let value: unknown;
  try {
    // JSON is YAML, and YAML gives line and column on errors.
    value = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const pos = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
    throw usageError(`Params file '${display}' is not valid YAML/JSON: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
      code: 'train-params-invalid',
      location: pos ? { file: display, line: pos.line, column: pos.col } : { file: display },
      cause: error,
    });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw usageError(`Params file '${display}' must hold a mapping of names to values.`, {
      code: 'train-params-shape',
      hint: 'Write e.g. `lr: 0.1` and `epochs: 20`, one per line.',
      location: { file: display, line: 1, column: 1 },
    });
  }
  return flatten(value, { keepArrays: true });
}

/** `lr=0.1` -> ['lr', 0.1]; values are YAML scalars, so numbers and booleans keep their type. */
export function parseOverrides(entries: string[]): [string, unknown][] {
  return entries.map((entry) => {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!key) {
      throw usageError(`Param '${entry}' is not key=value.`, {
        code: 'train-param-invalid',
        hint: 'Write e.g. --param lr=0.1 (nested keys with dots: --param model.depth=3).',
      });
    }
    const raw = entry.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = raw.trim() === '' ? '' : parseYaml(raw);
    } catch {
      value = raw;
    }
    return [key, value];
  });
}
