import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { usageError, type SourceLocation } from '../errors.js';
import { parseDialect } from '../data/dialect-descriptor.js';
import type { SourceOptions } from '../data/prepare.js';
import { YamlSource } from '../text/yaml-source.js';
import { loadSchema, parseSchema, type TableSchema } from './load.js';

/** One tabular resource of a data package, its paths resolved against the package's folder. */
export interface PackageResource {
  name: string;
  /** 0-based position in `resources`. */
  index: number;
  /** Absolute paths of its file(s); several for a multi-file resource. */
  paths: string[];
  /** The paths as the descriptor writes them. */
  written: string[];
  schema: TableSchema;
  /** The schema file when the schema is a path (inline schemas live in the package file). */
  schemaFile?: string;
  read: SourceOptions;
  location: SourceLocation;
}

export interface DataPackage {
  file: string;
  /** 1 or 2 (a `$schema` naming a 2.x profile). */
  version: 1 | 2;
  resources: PackageResource[];
}

/**
 * Reads a Frictionless Data Package (v1 or v2, JSON or YAML). Every resource needs a path inside
 * the package's folder (no absolute paths, URLs or `..`, as frictionless-py calls them unsafe) and
 * a schema (inline or a path); a package with no resources is refused.
 */
export async function loadPackage(file: string): Promise<DataPackage> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read data package ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'package-invalid', location: { file }, hint: 'Check the --package path (a datapackage.json).', cause: error });
  }
  const source = YamlSource.parse(file, text);
  const at = (path: (string | number)[]) => source.locateNode(source.nodeAt(path) ?? source.nodeAt(path.slice(0, -1)));
  const fail = (message: string, path: (string | number)[], hint: string): never => {
    throw usageError(message, { code: 'package-invalid', location: at(path), hint });
  };
  const root = source.toJS() as unknown;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return fail('a data package must be a mapping with a `resources` list', [], 'e.g. {"resources": [{"name": "users", "path": "users.csv", "schema": "users.schema.json"}]}');
  const descriptor = root as Record<string, unknown>;
  const version = String(descriptor.$schema ?? '').includes('/2.') ? 2 : 1;
  const list = descriptor.resources;
  if (!Array.isArray(list) || list.length === 0) fail('the data package has no resources', ['resources'], 'List the tables under `resources`, each with a name, a path and a schema.');
  const base = dirname(resolve(file));
  const names = new Set<string>();
  const resources: PackageResource[] = [];
  for (const [index, raw] of (list as unknown[]).entries()) {
    const path = ['resources', index];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`resources[${index}] must be a mapping`, path, 'e.g. {"name": "users", "path": "users.csv", "schema": {...}}');
    const resource = raw as Record<string, unknown>;
    if (typeof resource.name !== 'string' || resource.name === '') fail(`resources[${index}] has no name`, path, 'Every resource needs a `name`, which foreign keys refer to.');
    const name = resource.name as string;
    if (names.has(name)) fail(`resource name '${name}' appears twice`, [...path, 'name'], 'Resource names must be unique.');
    names.add(name);
    if (resource.data !== undefined) fail(`resource '${name}' holds inline data, which validate-data does not read`, [...path, 'data'], 'Write the rows to a file and give its `path`.');
    const rawPath = resource.path;
    const written = typeof rawPath === 'string' ? [rawPath] : rawPath;
    if (!Array.isArray(written) || written.length === 0 || !written.every((item) => typeof item === 'string' && item !== '')) {
      return fail(`resource '${name}' needs a path (a file, or a list of files for one table)`, [...path, 'path'], 'e.g. "path": "users.csv" or "path": ["part1.csv", "part2.csv"]');
    }
    const paths = (written as string[]).map((item, k) => {
      const where = typeof rawPath === 'string' ? [...path, 'path'] : [...path, 'path', k];
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(item)) fail(`resource '${name}': remote path '${item}' is not read`, where, 'Download the file next to the package and give its relative path.');
      if (isAbsolute(item) || /^[a-zA-Z]:[\\/]/.test(item) || normalize(item).split(/[\\/]/).includes('..') || item.split(/[\\/]/).includes('..')) {
        fail(`resource '${name}': path '${item}' is not safe (absolute or with '..'); paths are relative to the package's folder and stay inside it`, where, 'Move the file into the package folder and give its path relative to datapackage.json.');
      }
      return join(base, item);
    });
    const read: SourceOptions = {};
    if (resource.format !== undefined) {
      const format = String(resource.format).toLowerCase();
      if (format === 'json') read.json = true;
      else if (format === 'csv' || format === 'tsv' || format === 'jsonl' || format === 'ndjson' || format === 'parquet') read.format = format === 'tsv' ? 'csv' : format === 'ndjson' ? 'jsonl' : format;
      else fail(`resource '${name}': format '${format}' is not read by validate-data`, [...path, 'format'], 'Formats: csv, tsv, json, jsonl, parquet.');
      if (format === 'tsv') read.delimiter = '\t';
    }
    if (resource.encoding !== undefined) {
      if (typeof resource.encoding !== 'string') fail(`resource '${name}': encoding must be a string`, [...path, 'encoding'], 'e.g. "encoding": "cp1252"');
      read.encoding = resource.encoding as string;
    }
    if (resource.compression !== undefined) {
      if (typeof resource.compression !== 'string') fail(`resource '${name}': compression must be a string`, [...path, 'compression'], 'e.g. "compression": "zip"');
      read.compression = resource.compression as string;
    }
    if (resource.dialect !== undefined) {
      const dialectRaw = typeof resource.dialect === 'string' ? await readDescriptor(resource.dialect, base, name, 'dialect', at([...path, 'dialect'])) : resource.dialect;
      const parsed = parseDialect(dialectRaw, at([...path, 'dialect']), `resource '${name}' dialect`);
      if (parsed.delimiter !== undefined) read.delimiter = parsed.delimiter;
      read.dialect = parsed.dialect;
    }
    let schema: TableSchema;
    let schemaFile: string | undefined;
    if (typeof resource.schema === 'string') {
      const schemaPath = resource.schema;
      if (isAbsolute(schemaPath) || schemaPath.split(/[\\/]/).includes('..')) fail(`resource '${name}': schema path '${schemaPath}' is not safe`, [...path, 'schema'], 'Give the schema file relative to the package folder.');
      schemaFile = join(base, schemaPath);
      schema = await loadSchema(schemaFile);
    } else if (typeof resource.schema === 'object' && resource.schema !== null && !Array.isArray(resource.schema)) {
      // Inline: parsed from its own JSON text, so its messages name the package and the resource.
      schema = parseSchema(`${file} (resources[${index}].schema)`, JSON.stringify(resource.schema, null, 2));
    } else {
      return fail(`resource '${name}' has no schema`, path, 'validate-data checks a resource against its Table Schema: add "schema": {...} or a schema file path.');
    }
    resources.push({ name, index, paths, written: written as string[], schema, ...(schemaFile ? { schemaFile } : {}), read, location: at(path) });
  }
  return { file, version, resources };
}

async function readDescriptor(relativePath: string, base: string, name: string, what: string, location: SourceLocation): Promise<unknown> {
  if (isAbsolute(relativePath) || relativePath.split(/[\\/]/).includes('..')) {
    throw usageError(`resource '${name}': ${what} path '${relativePath}' is not safe`, { code: 'package-invalid', location, hint: `Give the ${what} file relative to the package folder.` });
  }
  const path = join(base, relativePath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read the ${what} of resource '${name}': ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { code: 'package-invalid', location, hint: 'Check the path, relative to the package folder.', cause: error });
  }
  return YamlSource.parse(path, text).toJS();
}

/** A dialect input: inline JSON (starting with `{`) or the path of a JSON or YAML file. */
export async function loadDialectInput(value: string, cwd: string): Promise<{ delimiter?: string; dialect: SourceOptions['dialect'] }> {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    const source = YamlSource.parse('--dialect', trimmed);
    return parseDialect(source.toJS(), { file: '--dialect' }, '--dialect');
  }
  const path = resolve(cwd, trimmed);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`cannot read dialect ${trimmed}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { code: 'dialect-invalid', location: { file: trimmed }, hint: 'Give inline JSON ({"header": false}) or the path of a dialect file.', cause: error });
  }
  return parseDialect(YamlSource.parse(trimmed, text).toJS(), { file: trimmed }, 'dialect');
}
