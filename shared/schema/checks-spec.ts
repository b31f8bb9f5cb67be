import { didYouMean } from '../text/did-you-mean.js';
import type { FieldType } from './casters.js';

/**
 * Our dataset checks live under one extension key, at schema and at field level, so the file
 * stays a valid Table Schema that frictionless and other tools read unchanged.
 * Every key is documented with an example in docs/table-schema-extensions.md.
 */
export const EXTENSION_KEY = 'x-modelci';

export interface Range {
  min?: number;
  max?: number;
}

export interface DatasetChecks {
  rowCount?: Range;
  /** Most fully identical data rows allowed (0 forbids duplicates). */
  maxDuplicateRows?: number;
  /** Drift options (docs/drift.md), checked by the drift layer that reads them. */
  drift?: unknown;
}

export interface QuantileCheck extends Range {
  q: number;
}

export interface FieldChecks {
  /** Largest allowed fraction of missing values (nulls over rows). */
  maxNullFraction?: number;
  /**
   * Great Expectations' `mostly`: the fraction of non-null values that must pass this field's
   * type and value constraints (not `required`, which maxNullFraction governs).
   */
  mostly?: number;
  mean?: Range;
  min?: Range;
  max?: Range;
  stddev?: Range;
  quantiles?: QuantileCheck[];
}

type Fail = (message: string, path: (string | number)[], hint: string, key?: string) => never;

const DATASET_KEYS = ['rowCount', 'maxDuplicateRows', 'drift'];
const FIELD_KEYS = ['maxNullFraction', 'mostly', 'mean', 'min', 'max', 'stddev', 'quantiles'];
const NUMERIC: FieldType[] = ['integer', 'number', 'year'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseRange(value: unknown, path: (string | number)[], what: string, fail: Fail, integer = false): Range {
  if (!isObject(value)) return fail(`${what} must be a mapping with min and/or max`, path, `e.g. ${what}: {min: 0, max: 1}`);
  const range: Range = {};
  for (const [key, bound] of Object.entries(value)) {
    if (key !== 'min' && key !== 'max') fail(`${what} has an unknown key '${key}'`, path, 'Use min and max.', key);
    if (typeof bound !== 'number' || !Number.isFinite(bound) || (integer && !Number.isInteger(bound))) fail(`${what}.${key} must be a ${integer ? 'whole ' : ''}number`, [...path, key], `e.g. ${key}: 10`);
    range[key as 'min' | 'max'] = bound as number;
  }
  if (range.min === undefined && range.max === undefined) fail(`${what} needs min or max`, path, `e.g. ${what}: {min: 0}`);
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) fail(`${what}: min ${range.min} is above max ${range.max}`, path, 'Swap the bounds.');
  return range;
}

function fraction(value: unknown, path: (string | number)[], what: string, fail: Fail): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(`${what} must be a number from 0 to 1`, path, `e.g. ${what}: 0.01`);
  return value as number;
}

export function parseDatasetChecks(value: unknown, path: (string | number)[], fail: Fail): DatasetChecks {
  if (value === undefined) return {};
  if (!isObject(value)) return fail(`${EXTENSION_KEY} must be a mapping`, path, `e.g. ${EXTENSION_KEY}: {rowCount: {min: 100}}`);
  const checks: DatasetChecks = {};
  for (const [key, inner] of Object.entries(value)) {
    const at = [...path, key];
    if (!DATASET_KEYS.includes(key)) fail(`unknown dataset check '${key}' in ${EXTENSION_KEY}`, path, `${didYouMean(key, DATASET_KEYS)} (per-field checks go under the field's own ${EXTENSION_KEY})`, key);
    if (key === 'drift') checks.drift = inner;
    if (key === 'rowCount') checks.rowCount = parseRange(inner, at, 'rowCount', fail, true);
    if (key === 'maxDuplicateRows') {
      if (typeof inner !== 'number' || !Number.isInteger(inner) || inner < 0) fail('maxDuplicateRows must be a whole number >= 0', at, 'maxDuplicateRows: 0 forbids duplicate rows');
      checks.maxDuplicateRows = inner as number;
    }
  }
  return checks;
}

export function parseFieldChecks(value: unknown, path: (string | number)[], name: string, type: FieldType, fail: Fail): FieldChecks {
  if (value === undefined) return {};
  if (!isObject(value)) return fail(`field '${name}': ${EXTENSION_KEY} must be a mapping`, path, `e.g. ${EXTENSION_KEY}: {maxNullFraction: 0.01}`);
  const checks: FieldChecks = {};
  for (const [key, inner] of Object.entries(value)) {
    const at = [...path, key];
    if (!FIELD_KEYS.includes(key)) fail(`field '${name}': unknown check '${key}'`, path, didYouMean(key, FIELD_KEYS), key);
    if (key === 'maxNullFraction') checks.maxNullFraction = fraction(inner, at, key, fail);
    else if (key === 'mostly') checks.mostly = fraction(inner, at, key, fail);
    else {
      if (!NUMERIC.includes(type)) fail(`field '${name}': ${key} needs a numeric field (integer, number or year), not ${type}`, at, 'Statistics checks apply to numeric fields.');
      if (key === 'quantiles') {
        if (!Array.isArray(inner) || inner.length === 0) fail(`field '${name}': quantiles must be a list`, at, 'e.g. quantiles: [{q: 0.5, min: 10, max: 20}]');
        checks.quantiles = (inner as unknown[]).map((item, i) => {
          if (!isObject(item)) return fail(`field '${name}': each quantile check is a mapping with q, min, max`, [...at, i], 'e.g. {q: 0.5, min: 10, max: 20}');
          const { q, ...bounds } = item;
          if (typeof q !== 'number' || !(q >= 0 && q <= 1)) fail(`field '${name}': quantile q must be from 0 to 1`, [...at, i, 'q'], 'e.g. q: 0.95');
          return { q: q as number, ...parseRange(bounds, [...at, i], `quantiles[${i}]`, fail) };
        });
      } else checks[key as 'mean' | 'min' | 'max' | 'stddev'] = parseRange(inner, at, key, fail);
    }
  }
  return checks;
}
