import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { rejectedError, type SourceLocation } from '../errors.js';
import { parseDelimited } from './csv.js';
import { flatten, type Scalar } from './flatten.js';
import { jsonErrorOffset } from './json-error.js';

export type Metrics = Record<string, Scalar>;
export type MetricsFormat = 'json' | 'yaml' | 'csv' | 'tsv';

export function metricsFormat(path: string): MetricsFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv') return 'tsv';
  return undefined;
}

/**
 * Reads one metrics file and flattens it. A file the command wrote badly is the run's failure
 * (exit 1), not a usage error, so errors here are `rejected` and carry file:line:column.
 */
export async function readMetricsFile(path: string, displayPath = path): Promise<Metrics> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw rejectedError(`Metrics file '${displayPath}' was not written by the command.`, {
      code: 'train-metrics-missing',
      hint: 'Check that the command writes it, relative to the working directory.',
      location: { file: displayPath },
      cause: error,
    });
  }
  return parseMetrics(text, metricsFormat(path), displayPath);
}

export function parseMetrics(text: string, format: MetricsFormat | undefined, file: string): Metrics {
  if (format === 'csv' || format === 'tsv') return metricsFromTable(parseDelimited(text, format === 'csv' ? ',' : '\t'), file);
  const value = format === 'yaml' ? parseYamlMetrics(text, file) : format === 'json' ? parseJsonMetrics(text, file) : parseUnknown(text, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw rejectedError(`Metrics file '${file}' must hold an object of metric names to values.`, {
      code: 'train-metrics-shape',
      hint: 'Write e.g. {"accuracy": 0.91, "test": {"roc_auc": 0.95}}.',
      location: { file },
    });
  }
  const metrics: Metrics = {};
  for (const [name, v] of Object.entries(flatten(value, { keepArrays: false }))) {
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') metrics[name] = v;
  }
  return metrics;
}

function parseUnknown(text: string, file: string): unknown {
  const trimmed = text.trimStart();
  return trimmed.startsWith('{') ? parseJsonMetrics(text, file) : parseYamlMetrics(text, file);
}

/**
 * Python's json.dump writes NaN and Infinity, which JSON.parse refuses. Outside strings, NaN
 * becomes null (no value) and Infinity becomes 1e999, which JSON.parse reads as Infinity.
 */
function pythonJsonToJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (text.startsWith('NaN', i)) {
      out += 'null';
      i += 2;
    } else if (text.startsWith('Infinity', i)) {
      out += '1e999';
      i += 7;
    } else {
      out += ch;
    }
  }
  return out;
}

function parseJsonMetrics(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    try {
      return JSON.parse(pythonJsonToJson(text));
    } catch {
      const message = first instanceof Error ? first.message : String(first);
      throw rejectedError(`Metrics file '${file}' is not valid JSON: ${message}`, {
        code: 'train-metrics-invalid',
        hint: 'Write it with json.dump (Python) or JSON.stringify.',
        location: jsonLocation(text, file),
      });
    }
  }
}

function jsonLocation(text: string, file: string): SourceLocation {
  const offset = jsonErrorOffset(text);
  if (offset === undefined) return { file };
  const lines = text.slice(0, offset).split('\n');
  return { file, line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function parseYamlMetrics(text: string, file: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const pos = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
    throw rejectedError(`Metrics file '${file}' is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
      code: 'train-metrics-invalid',
      location: pos ? { file, line: pos.line, column: pos.col } : { file },
    });
  }
}

/**
 * Two CSV shapes, told apart by the header:
 * - long: a `name,value` (or `metric,value`) header, then one metric per row;
 * - wide: a header of metric names and exactly one row of values.
 */
function metricsFromTable(rows: string[][], file: string): Metrics {
  const [header, ...body] = rows;
  if (!header || header.length === 0) {
    throw rejectedError(`Metrics file '${file}' is empty.`, { code: 'train-metrics-shape', location: { file } });
  }
  const names = header.map((cell) => cell.trim());
  const metrics: Metrics = {};
  const lowered = names.map((n) => n.toLowerCase());
  if (names.length === 2 && (lowered[0] === 'name' || lowered[0] === 'metric') && lowered[1] === 'value') {
    body.forEach((cells, index) => {
      const name = cells[0]?.trim();
      if (!name || cells.length !== 2) {
        throw rejectedError(`Metrics file '${file}' row ${index + 2} must have a name and a value.`, {
          code: 'train-metrics-shape',
          location: { file, line: index + 2 },
        });
      }
      metrics[name] = cellValue(cells[1] as string);
    });
    return metrics;
  }
  if (body.length !== 1) {
    throw rejectedError(`Metrics file '${file}' has ${body.length} data rows; a wide metrics CSV has a header and exactly one row.`, {
      code: 'train-metrics-shape',
      hint: 'Write one row of values under the header, or use a long "name,value" table with one metric per row.',
      location: { file, line: body.length === 0 ? 1 : 3 },
    });
  }
  const values = body[0] as string[];
  if (values.length !== names.length) {
    throw rejectedError(`Metrics file '${file}' row 2 has ${values.length} cells but the header has ${names.length}.`, {
      code: 'train-metrics-shape',
      location: { file, line: 2 },
    });
  }
  names.forEach((name, i) => {
    if (name) metrics[name] = cellValue(values[i] as string);
  });
  return metrics;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function cellValue(raw: string): Scalar {
  const cell = raw.trim();
  if (cell === '' || /^(nan|na|null|none)$/i.test(cell)) return null;
  if (NUMBER.test(cell)) return Number(cell);
  if (/^[+-]?inf(inity)?$/i.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  if (/^true$/i.test(cell)) return true;
  if (/^false$/i.test(cell)) return false;
  return cell;
}
