import { isWkt } from './wkt.js';
import { isPythonBase64, parseJsonObject, parsePythonJson } from './python-values.js';
import { dateCaster, datetimeCaster, timeCaster } from './temporal-casters.js';
import { domainToASCII } from 'node:url';

/**
 * Casting one cell to a field's type, following frictionless-py 5 (the reference for parity):
 * a caster returns the value in a comparable form, or INVALID for a type error.
 * Comparable forms: numbers for integer/number/year, epoch ms for date/datetime, ms since
 * midnight for time, year*12+month-1 for yearmonth, strings for string/duration, booleans.
 */
export { INVALID, type Caster, type Value } from './cast-value.js';
import { INVALID, type Caster, type Value } from './cast-value.js';

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'time', 'datetime', 'year', 'yearmonth', 'duration', 'any', 'list', 'object', 'array', 'geopoint', 'geojson'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const DEFAULT_TRUE_VALUES = ['true', 'True', 'TRUE', '1'];
export const DEFAULT_FALSE_VALUES = ['false', 'False', 'FALSE', '0'];

export interface CastOptions {
  type: FieldType;
  format: string;
  decimalChar?: string;
  groupChar?: string;
  bareNumber?: boolean;
  trueValues?: string[];
  falseValues?: string[];
  itemType?: FieldType;
  delimiter?: string;
}

/** Which constraints each type supports (frictionless-py's table); `unique` works on every type. */
export const SUPPORTED_CONSTRAINTS: Record<FieldType, string[]> = {
  any: ['required', 'enum'],
  boolean: ['required', 'enum'],
  date: ['required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'],
  datetime: ['required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'],
  duration: ['required', 'enum'],
  integer: ['required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'],
  list: ['required', 'minLength', 'maxLength'],
  number: ['required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'],
  string: ['required', 'minLength', 'maxLength', 'pattern', 'enum'],
  time: ['required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'],
  year: ['required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'],
  yearmonth: ['required', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'enum'],
  object: ['required', 'minLength', 'maxLength', 'enum'],
  array: ['required', 'minLength', 'maxLength', 'enum'],
  geopoint: ['required', 'enum'],
  geojson: ['required', 'enum'],
};

export const STRING_FORMATS = ['default', 'email', 'uri', 'uuid', 'binary', 'wkt'];

/** Python's Decimal() grammar (after strip): digits with optional underscores, exponent, inf/nan. */
const DECIMAL_SPECIAL = /^[+-]?(?:inf(?:inity)?|s?nan\d*)$/i;
const DECIMAL_UNDERSCORE = /^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:e[+-]?\d+(?:_\d+)*)?$/i;

/** Fast check of the plain decimal grammar `[+-]?(d+[.d*]|.d+)([eE][+-]?d+)?` without a regex. */
export function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) i++;
  let digits = 0;
  while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
    i++;
    digits++;
  }
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i === n) return true;
  c = s.charCodeAt(i);
  if (c !== 101 && c !== 69) return false;
  i++;
  c = s.charCodeAt(i);
  if (c === 43 || c === 45) i++;
  const start = i;
  while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
  return i === n && i > start;
}

/** Python int(str) after strip: optional sign, digits with single underscores between them. */
export function isPlainInteger(s: string): boolean {
  const n = s.length;
  let i = 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) i++;
  if (i === n) return false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function pyStrip(s: string): string {
  const n = s.length;
  if (n === 0 || (!isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(n - 1)))) return s;
  return s.trim();
}

function parseDecimal(text: string): number | typeof INVALID {
  if (isPlainDecimal(text)) return Number(text);
  if (hasNonAscii(text)) return parseDecimal(asciiDigits(text));
  if (DECIMAL_UNDERSCORE.test(text)) return Number(text.replace(/_/g, ''));
  if (DECIMAL_SPECIAL.test(text)) {
    const lower = text.toLowerCase();
    if (lower.includes('nan')) return NaN;
    return lower.startsWith('-') ? -Infinity : Infinity;
  }
  return INVALID;
}

const NON_BARE = /((^[^-\d]*)|(\D*$))/g;

/** Python's int() and Decimal() take any Unicode decimal digit (٢, ２); only the slow path asks. */
function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return true;
  return false;
}

function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    // Unicode lays out each script's digits as runs of ten, each starting at a zero.
    const code = digit.codePointAt(0)!;
    let start = code;
    while (start > code - 100 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
    return String((code - start) % 10);
  });
}

export function createCaster(options: CastOptions): Caster {
  switch (options.type) {
    case 'string':
      return stringCaster(options.format);
    case 'number': {
      const custom = options.decimalChar !== undefined || options.groupChar !== undefined || options.bareNumber !== undefined;
      const decimalChar = options.decimalChar ?? '.';
      const groupChar = options.groupChar ?? '';
      const bare = options.bareNumber ?? true;
      return (cell) => {
        if (typeof cell === 'number') return cell;
        if (typeof cell !== 'string') return INVALID;
        let text = pyStrip(cell);
        if (custom) {
          if (!bare) text = text.replace(NON_BARE, '');
          if (groupChar) text = text.split(groupChar).join('');
          if (decimalChar !== '.' && text.includes('.')) return INVALID;
          if (decimalChar !== '.') text = text.split(decimalChar).join('.');
        }
        return parseDecimal(text);
      };
    }
    case 'integer': {
      const bare = options.bareNumber ?? true;
      return (cell) => {
        if (typeof cell === 'number') return Number.isInteger(cell) ? cell : INVALID;
        if (typeof cell !== 'string') return INVALID;
        let text = pyStrip(cell);
        if (!bare) text = text.replace(NON_BARE, '');
        if (isPlainInteger(text)) return Number(text);
        if (hasNonAscii(text)) text = asciiDigits(text);
        if (/^[+-]?\d+(?:_\d+)*$/.test(text)) return Number(text.replace(/_/g, ''));
        return INVALID;
      };
    }
    case 'boolean': {
      const map = new Map<string, boolean>();
      for (const value of options.trueValues ?? DEFAULT_TRUE_VALUES) map.set(value, true);
      for (const value of options.falseValues ?? DEFAULT_FALSE_VALUES) map.set(value, false);
      return (cell) => {
        if (typeof cell === 'boolean') return cell;
        if (typeof cell !== 'string') return INVALID;
        const value = map.get(cell);
        return value === undefined ? INVALID : value;
      };
    }
    case 'date':
      return dateCaster(options.format);
    case 'datetime':
      return datetimeCaster(options.format);
    case 'time':
      return timeCaster(options.format);
    case 'year':
      return (cell) => {
        let value: number;
        if (typeof cell === 'number') value = cell;
        else if (typeof cell === 'string') {
          if (cell.length !== 4) return INVALID;
          const text = pyStrip(cell);
          if (!isPlainInteger(text)) return INVALID;
          value = Number(text);
        } else return INVALID;
        return Number.isInteger(value) && value >= 0 && value <= 9999 ? value : INVALID;
      };
    case 'yearmonth':
      return (cell) => {
        if (typeof cell !== 'string') return INVALID;
        const parts = cell.split('-');
        if (parts.length !== 2) return INVALID;
        const [y, m] = parts.map(pyStrip) as [string, string];
        if (!isPlainInteger(y) || !isPlainInteger(m)) return INVALID;
        const year = Number(y);
        const month = Number(m);
        if (month < 1 || month > 12) return INVALID;
        return year * 12 + month - 1;
      };
    case 'duration':
      return (cell) => (typeof cell === 'string' && isIsoDuration(cell) ? cell : INVALID);
    case 'list': {
      const item = createCaster({ ...options, type: options.itemType ?? 'string', format: 'default' });
      const delimiter = options.delimiter ?? ',';
      return (cell) => {
        if (typeof cell !== 'string') return INVALID;
        const out: (string | number | boolean)[] = [];
        for (const part of cell.split(delimiter)) {
          const value = item(part);
          if (value === INVALID || Array.isArray(value)) return INVALID;
          out.push(value);
        }
        return out;
      };
    }
    case 'object':
      // The cell as written stands for the object (keys, enum and unique read it again when asked).
      return (cell) => (typeof cell === 'string' && parseJsonObject(cell) !== undefined ? cell : INVALID);
    case 'array':
      return (cell) => {
        if (typeof cell !== 'string') return INVALID;
        const value = parsePythonJson(cell);
        return Array.isArray(value) ? (value as (string | number | boolean)[]) : INVALID;
      };
    case 'geopoint':
      return geopointCaster(options.format);
    case 'geojson':
      return (cell) => {
        if (typeof cell !== 'string') return INVALID;
        try {
          const value = JSON.parse(cell) as { type?: unknown };
          return value && typeof value === 'object' && typeof value.type === 'string' ? cell : INVALID;
        } catch {
          return INVALID;
        }
      };
    case 'any':
    default:
      return (cell) => cell as Value;
  }
}

// Email as validators 0.36 `email()` checks it with frictionless-py's defaults (no IP domains, no
// simple hosts): one @, a local part of at most 64 characters (dot-atom over ASCII and Latin-1/
// Latin Extended letters, or a quoted string), a domain of at most 253 whose IDNA form has labels
// and a letter-ending TLD of two or more characters.
const LATIN = '\\u0100-\\u017F\\u0180-\\u024F\\u00A0-\\u00FF';
const EMAIL_USER = new RegExp(`^(?:[${LATIN}]|[${LATIN}0-9a-z!#$%&'*+/=?^_\`{}|~\\-]+(?:\\.[${LATIN}0-9a-z!#$%&'*+/=?^_\`{}|~\\-]+)*|"(?:[${LATIN}\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f!#-\\[\\]-\\x7f]|\\\\[\\t.])*")$`, 'iu');
const EMAIL_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9][a-z0-9-]{0,61}[a-z]$/i;
const EMAIL = {
  test(value: string): boolean {
    const at = value.indexOf('@');
    if (at < 0 || value.indexOf('@', at + 1) >= 0) return false;
    const user = value.slice(0, at);
    const host = value.slice(at + 1);
    if (user.length > 64 || host.length > 253 || !host || /\s|__+/.test(host)) return false;
    const ascii = hasNonAscii(host) ? domainToASCII(host) : host;
    return EMAIL_USER.test(user) && ascii.replace(/\.+$/, '').length <= 253 && EMAIL_DOMAIN.test(ascii);
  },
};
const WKT = { test: isWkt };
// rfc3986's URI reference with a scheme required (all frictionless-py asks): a scheme and a colon.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const UUID_HEX = /^[0-9a-fA-F]{32}$/;
/** Python's uuid.UUID(str): optional urn:/uuid: prefixes and braces, hyphens anywhere, 32 hex digits. */
const UUID = {
  test: (value: string) => UUID_HEX.test(value.replace('urn:', '').replace('uuid:', '').replace(/^[{}]+|[{}]+$/g, '').replace(/-/g, '')),
};
/** What Python's base64.b64decode (binascii, not strict) takes; see isPythonBase64. */
const BASE64 = { test: isPythonBase64 };

function stringCaster(format: string): Caster {
  const test = format === 'email' ? EMAIL : format === 'uri' ? URI : format === 'uuid' ? UUID : format === 'binary' ? BASE64 : format === 'wkt' ? WKT : undefined;
  if (!test) return (cell) => (typeof cell === 'string' ? cell : INVALID);
  return (cell) => (typeof cell === 'string' && test.test(cell) ? cell : INVALID);
}

const DURATION = /^P(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?W)?(?:\d+(?:[.,]\d+)?D)?(?:T(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?$/;
const DURATION_ALT = /^P\d{4}-?\d{2}-?\d{2}T\d{2}:?\d{2}:?\d{2}$/;

/** ISO 8601 durations as isodate.parse_duration reads them (with an optional sign). */
export function isIsoDuration(text: string): boolean {
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  return DURATION.test(body) || DURATION_ALT.test(body);
}

/**
 * geopoint as frictionless-py reads it: `default` "lon, lat", `array` [lon, lat], `object`
 * {"lon": .., "lat": ..} with exactly those two keys; each coordinate what Decimal() takes
 * (numbers or numeric strings), lon within ±180 and lat within ±90. The value is "lon,lat"
 * with the numbers written canonically, so 90 and 90.0 compare equal as Decimals do.
 */
function geopointCaster(format: string): Caster {
  const coordinate = (value: unknown): number | typeof INVALID => {
    if (typeof value === 'number') return value;
    if (typeof value !== 'string') return INVALID;
    return parseDecimal(value.trim());
  };
  const pair = (lon: unknown, lat: unknown): Value | typeof INVALID => {
    const x = coordinate(lon);
    const y = coordinate(lat);
    if (x === INVALID || y === INVALID || Number.isNaN(x) || Number.isNaN(y) || x > 180 || x < -180 || y > 90 || y < -90) return INVALID;
    return `${x},${y}`;
  };
  return (cell) => {
    if (typeof cell !== 'string') return INVALID;
    if (format === 'array' || format === 'object') {
      let value: unknown;
      try {
        value = JSON.parse(cell);
      } catch {
        return INVALID;
      }
      if (format === 'array') return Array.isArray(value) && value.length === 2 ? pair(value[0], value[1]) : INVALID;
      if (!value || typeof value !== 'object' || Array.isArray(value)) return INVALID;
      const record = value as Record<string, unknown>;
      return Object.keys(record).length === 2 && 'lon' in record && 'lat' in record ? pair(record.lon, record.lat) : INVALID;
    }
    const parts = cell.split(',');
    return parts.length === 2 ? pair(parts[0]!.trim(), parts[1]!.trim()) : INVALID;
  };
}
