import { usageError, type SourceLocation } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import type { CsvDialect } from './source.js';

/** A Frictionless Table Dialect as the readers take it: the delimiter apart, the rest as CsvDialect. */
export interface ParsedDialect {
  delimiter?: string;
  dialect: CsvDialect;
}

const STRING_KEYS = ['quoteChar', 'escapeChar', 'commentChar', 'headerJoin'] as const;
const BOOLEAN_KEYS = ['doubleQuote', 'skipInitialSpace', 'header'] as const;
/** Keys that change nothing here: the line terminator is found by the reader, the version is informative. */
const IGNORED = ['lineTerminator', 'csvddfVersion', '$schema', 'name', 'title', 'description', 'caseSensitive'];
const KNOWN = ['delimiter', 'headerRows', ...STRING_KEYS, ...BOOLEAN_KEYS, ...IGNORED];

/**
 * Checks a dialect descriptor (v1 or v2, CSV keys flat or under `csv`) and refuses what the
 * readers cannot honour (nullSequence, commentRows, ...) instead of ignoring it.
 */
export function parseDialect(raw: unknown, location: SourceLocation, what = 'dialect'): ParsedDialect {
  const fail = (message: string, hint: string): never => {
    throw usageError(`${what}: ${message}`, { code: 'dialect-invalid', location, hint });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('must be a mapping', 'e.g. {"delimiter": ";", "header": false}');
  const outer = raw as Record<string, unknown>;
  const csv = outer.csv;
  const descriptor: Record<string, unknown> = { ...outer, ...(typeof csv === 'object' && csv !== null && !Array.isArray(csv) ? (csv as Record<string, unknown>) : {}) };
  delete descriptor.csv;
  const dialect: CsvDialect = {};
  let delimiter: string | undefined;
  for (const [key, value] of Object.entries(descriptor)) {
    if (!KNOWN.includes(key)) {
      fail(`'${key}' is not supported`, `${didYouMean(key, KNOWN)} Supported: delimiter, header, headerRows, headerJoin, commentChar, quoteChar, doubleQuote, escapeChar, skipInitialSpace.`);
    }
    if (IGNORED.includes(key)) continue;
    if (key === 'delimiter') {
      if (typeof value !== 'string' || value.length !== 1) fail('delimiter must be one character', 'e.g. "delimiter": ";"');
      delimiter = value as string;
    } else if (key === 'headerRows') {
      if (!Array.isArray(value) || value.length === 0 || !value.every((row) => Number.isInteger(row) && (row as number) >= 1)) fail('headerRows must be a list of row numbers from 1', 'e.g. "headerRows": [1, 2]');
      dialect.headerRows = value as number[];
    } else if ((STRING_KEYS as readonly string[]).includes(key)) {
      if (typeof value !== 'string' || (key !== 'headerJoin' && value.length !== 1)) fail(`${key} must be ${key === 'headerJoin' ? 'a string' : 'one character'}`, `e.g. "${key}": "${key === 'commentChar' ? '#' : key === 'headerJoin' ? ' ' : '"'}"`);
      dialect[key as (typeof STRING_KEYS)[number]] = value as string;
    } else {
      if (typeof value !== 'boolean') fail(`${key} must be true or false`, `e.g. "${key}": false`);
      dialect[key as (typeof BOOLEAN_KEYS)[number]] = value as boolean;
    }
  }
  return { ...(delimiter !== undefined ? { delimiter } : {}), dialect };
}
