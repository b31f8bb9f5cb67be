/**
 * Python `datetime.strptime` patterns (what Table Schema `format` strings are written in),
 * compiled to a matcher. The directive regexes are CPython's `_strptime` table, so a value
 * passes here exactly when Python accepts it (C locale).
 */

const DIRECTIVES: Record<string, string> = {
  d: '(?<d>3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  f: '(?<f>\\d{1,6})',
  H: '(?<H>2[0-3]|[01]\\d|\\d)',
  I: '(?<I>1[0-2]|0[1-9]|[1-9])',
  j: '(?<j>36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])',
  m: '(?<m>1[0-2]|0[1-9]|[1-9])',
  M: '(?<M>[0-5]\\d|\\d)',
  S: '(?<S>6[01]|[0-5]\\d|\\d)',
  y: '(?<y>\\d\\d)',
  Y: '(?<Y>\\d\\d\\d\\d)',
  z: '(?<z>[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|Z)',
  p: '(?<p>am|pm)',
  b: '(?<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)',
  B: '(?<B>january|february|march|april|may|june|july|august|september|october|november|december)',
  a: '(?:mon|tue|wed|thu|fri|sat|sun)',
  A: '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)',
  '%': '%',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export interface ParsedTime {
  /** Milliseconds since the epoch (UTC; naive values are read as UTC). */
  epochMs: number;
  /** Milliseconds since midnight, for `time` fields. */
  dayMs: number;
  hasDate: boolean;
}

export class StrptimeFormatError extends Error {}

/** Compiles a strptime format; throws StrptimeFormatError for a directive Python does not know. */
export function compileStrptime(format: string): (value: string) => ParsedTime | null {
  let source = '';
  const seen = new Set<string>();
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === '%') {
      const directive = format[i + 1];
      if (directive === undefined || !(directive in DIRECTIVES)) {
        throw new StrptimeFormatError(`unsupported strptime directive '%${directive ?? ''}' in '${format}'`);
      }
      if (directive !== '%' && seen.has(directive)) throw new StrptimeFormatError(`directive '%${directive}' appears twice in '${format}'`);
      seen.add(directive);
      source += DIRECTIVES[directive];
      i++;
    } else if (/\s/.test(ch)) {
      source += '\\s+';
      while (i + 1 < format.length && /\s/.test(format[i + 1]!)) i++;
    } else source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 'i');
  return (value: string) => {
    const match = regex.exec(value);
    if (!match) return null;
    const g = match.groups ?? {};
    let year = 1900;
    if (g.Y !== undefined) year = Number(g.Y);
    else if (g.y !== undefined) {
      const y = Number(g.y);
      year = y <= 68 ? 2000 + y : 1900 + y;
    }
    let month = 1;
    if (g.m !== undefined) month = Number(g.m);
    else if (g.b !== undefined) month = MONTHS.indexOf(g.b.toLowerCase()) + 1;
    else if (g.B !== undefined) month = MONTHS.indexOf(g.B.slice(0, 3).toLowerCase()) + 1;
    let day = g.d !== undefined ? Number(g.d.trim()) : 1;
    if (g.j !== undefined) {
      const ordinal = Number(g.j);
      const date = new Date(Date.UTC(year, 0, ordinal));
      if (date.getUTCFullYear() !== year) return null;
      month = date.getUTCMonth() + 1;
      day = date.getUTCDate();
    }
    let hour = g.H !== undefined ? Number(g.H) : 0;
    if (g.I !== undefined) {
      hour = Number(g.I) % 12;
      if (g.p?.toLowerCase() === 'pm') hour += 12;
    }
    const minute = g.M !== undefined ? Number(g.M) : 0;
    const second = g.S !== undefined ? Number(g.S) : 0;
    if (second > 59) return null; // Python parses 60/61 then datetime() rejects them
    const ms = g.f !== undefined ? Math.floor(Number(g.f.padEnd(6, '0')) / 1000) : 0;
    if (day > daysInMonth(year, month)) return null;
    let offsetMs = 0;
    if (g.z !== undefined && g.z.toUpperCase() !== 'Z') offsetMs = parseOffset(g.z);
    const dayMs = ((hour * 60 + minute) * 60 + second) * 1000 + ms;
    const epochMs = utcMs(year, month, day) + dayMs - offsetMs;
    return { epochMs, dayMs, hasDate: g.Y !== undefined || g.y !== undefined || g.m !== undefined || g.d !== undefined };
  };
}

export function parseOffset(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  const seconds = Number(digits.slice(4) || '0');
  return sign * ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch ms of a UTC midnight, for any year (Date.UTC maps years 0-99 to 1900-1999). */
export function utcMs(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146097 + doe - 719468) * 86_400_000;
}
