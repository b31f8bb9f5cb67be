// One port of dateutil.parser.parse (what frictionless-py uses for format "any"): its lexer, the
// token resolver and the defaults share one state, so they stay in one file to be read beside the original.
import { daysInMonth, utcMs } from './strptime.js';

/**
 * `format: any` for date, time and datetime: frictionless-py reads these with
 * dateutil.parser.parse(cell) (dateutil 2.9, default parserinfo: month first, not fuzzy).
 * This is a port of its lexer (_timelex), token loop (_parse, _parse_numeric_token), the
 * year/month/day resolution (_ymd.resolve_ymd) and _build_naive, so the same strings pass.
 * Missing parts come from today's date at midnight, as in dateutil; two-digit years fall
 * within 50 years of this year (parserinfo.convertyear). Time zone names other than
 * UTC/GMT/Z are accepted and ignored, as dateutil does without `tzinfos`.
 */
export interface ParsedDateTime {
  year: number;
  month: number;
  day: number;
  /** Milliseconds since midnight. */
  dayMs: number;
  /** Offset east of UTC in ms, when the text gave one. */
  offsetMs?: number;
}

const JUMP = new Set([' ', '.', ',', ';', '-', '/', "'", 'at', 'on', 'and', 'ad', 'm', 't', 'of', 'st', 'nd', 'rd', 'th']);
const WEEKDAYS = lookup([['mon', 'monday'], ['tue', 'tuesday'], ['wed', 'wednesday'], ['thu', 'thursday'], ['fri', 'friday'], ['sat', 'saturday'], ['sun', 'sunday']]);
const MONTHS = lookup([['jan', 'january'], ['feb', 'february'], ['mar', 'march'], ['apr', 'april'], ['may'], ['jun', 'june'], ['jul', 'july'], ['aug', 'august'], ['sep', 'sept', 'september'], ['oct', 'october'], ['nov', 'november'], ['dec', 'december']]);
const HMS = lookup([['h', 'hour', 'hours'], ['m', 'minute', 'minutes'], ['s', 'second', 'seconds']]);
const AMPM = lookup([['am', 'a'], ['pm', 'p']]);
const UTC_ZONES = ['UTC', 'GMT', 'Z', 'z'];

function lookup(groups: string[][]): Map<string, number> {
  const map = new Map<string, number>();
  groups.forEach((names, index) => names.forEach((name) => map.set(name, index)));
  return map;
}

const isWord = (c: string) => /\p{L}/u.test(c);
const isNum = (c: string) => c >= '0' && c <= '9';
const isSpace = (c: string) => /\s/.test(c);
const isDigits = (s: string) => /^[0-9]+$/.test(s);

/** dateutil's _timelex.split: runs of letters, of digits, and dotted mixtures split by context. */
export function timelex(text: string): string[] {
  const chars = [...text].filter((c) => c !== '\u0000');
  const tokens: string[] = [];
  let pos = 0;
  const stack: string[] = [];
  for (;;) {
    if (stack.length > 0) {
      tokens.push(stack.shift()!);
      continue;
    }
    if (pos >= chars.length) break;
    let seenLetters = false;
    let token = '';
    let state = '';
    while (pos < chars.length) {
      const c = chars[pos]!;
      if (!state) {
        token = c;
        pos++;
        if (isWord(c)) state = 'a';
        else if (isNum(c)) state = '0';
        else {
          if (isSpace(c)) token = ' ';
          break;
        }
      } else if (state === 'a') {
        seenLetters = true;
        if (isWord(c)) token += c;
        else if (c === '.') {
          token += c;
          state = 'a.';
        } else break;
        pos++;
      } else if (state === '0') {
        if (isNum(c)) token += c;
        else if (c === '.' || (c === ',' && token.length >= 2)) {
          token += c;
          state = '0.';
        } else break;
        pos++;
      } else if (state === 'a.') {
        seenLetters = true;
        if (c === '.' || isWord(c)) token += c;
        else if (isNum(c) && token.endsWith('.')) {
          token += c;
          state = '0.';
        } else break;
        pos++;
      } else {
        if (c === '.' || isNum(c)) token += c;
        else if (isWord(c) && token.endsWith('.')) {
          token += c;
          state = 'a.';
        } else break;
        pos++;
      }
    }
    if ((state === 'a.' || state === '0.') && (seenLetters || token.split('.').length > 2 || token.endsWith('.') || token.endsWith(','))) {
      const parts = token.split(/([.,])/);
      token = parts[0]!;
      for (const part of parts.slice(1)) if (part) stack.push(part);
    }
    if (state === '0.' && !token.includes('.')) token = token.replace(/,/g, '.');
    tokens.push(token);
  }
  return tokens;
}

class ParseFailure extends Error {}

function fail(): never {
  throw new ParseFailure();
}

/** Python int() of a token: digits only (signs never reach here as part of a token). */
function int(text: string | number): number {
  if (typeof text === 'number') return Math.trunc(text);
  if (!/^\s*[+-]?[0-9]+\s*$/.test(text)) fail();
  return Number(text);
}

/** dateutil's _to_decimal: a finite decimal. */
function decimal(text: string | undefined): number {
  if (text === undefined || !/^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text.trim())) fail();
  return Number(text);
}

/** Python float() of a token: what _parse sends to _parse_numeric_token. */
function isFloat(text: string): boolean {
  return /^\s*[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)\s*$/i.test(text);
}

class Ymd {
  values: number[] = [];
  centurySpecified = false;
  y?: number;
  m?: number;
  d?: number;

  get length(): number {
    return this.values.length;
  }

  couldBeDay(value: number): boolean {
    if (this.d !== undefined) return false;
    if (this.m === undefined) return value >= 1 && value <= 31;
    const month = this.values[this.m]!;
    if (month < 1 || month > 12) fail();
    const year = this.y === undefined ? 2000 : this.values[this.y]!;
    return value >= 1 && value <= daysInMonth(year, month);
  }

  append(raw: string | number, label?: 'Y' | 'M' | 'D'): void {
    if (typeof raw === 'string') {
      if (isDigits(raw) && raw.length > 2) {
        this.centurySpecified = true;
        label = 'Y';
      }
    } else if (raw > 100) {
      this.centurySpecified = true;
      label = 'Y';
    }
    this.values.push(int(raw));
    const index = this.values.length - 1;
    if (label === 'M') {
      if (this.m !== undefined) fail();
      this.m = index;
    } else if (label === 'D') {
      if (this.d !== undefined) fail();
      this.d = index;
    } else if (label === 'Y') {
      if (this.y !== undefined) fail();
      this.y = index;
    }
  }

  /** resolve_ymd with dayfirst = yearfirst = False. */
  resolve(): [number | undefined, number | undefined, number | undefined] {
    const v = this.values;
    const strids: Record<string, number> = {};
    if (this.y !== undefined) strids.y = this.y;
    if (this.m !== undefined) strids.m = this.m;
    if (this.d !== undefined) strids.d = this.d;
    const known = Object.keys(strids).length;
    if ((v.length === known && known > 0) || (v.length === 3 && known === 2)) {
      if (v.length === 3 && known === 2) {
        const missing = [0, 1, 2].find((x) => !Object.values(strids).includes(x))!;
        const key = ['y', 'm', 'd'].find((x) => !(x in strids))!;
        strids[key] = missing;
      }
      return [strids.y === undefined ? undefined : v[strids.y], strids.m === undefined ? undefined : v[strids.m], strids.d === undefined ? undefined : v[strids.d]];
    }
    let year: number | undefined;
    let month: number | undefined;
    let day: number | undefined;
    const m = this.m;
    if (v.length > 3) fail();
    if (v.length === 1 || (m !== undefined && v.length === 2)) {
      let other: number;
      if (m !== undefined) {
        month = v[m];
        other = v[m - 1 < 0 ? v.length - 1 : m - 1]!;
      } else other = v[0]!;
      if (v.length > 1 || m === undefined) {
        if (other > 31) year = other;
        else day = other;
      }
    } else if (v.length === 2) {
      if (v[0]! > 31) [year, month] = v;
      else if (v[1]! > 31) [month, year] = v;
      else [month, day] = v;
    } else if (v.length === 3) {
      const [a, b, c] = v as [number, number, number];
      if (m === 0) {
        if (b > 31) [month, year, day] = [a, b, c];
        else [month, day, year] = [a, b, c];
      } else if (m === 1) {
        if (a > 31) [year, month, day] = [a, b, c];
        else [day, month, year] = [a, b, c];
      } else if (m === 2) {
        if (b > 31) [day, year, month] = [a, b, c];
        else [year, day, month] = [a, b, c];
      } else if (a > 31 || this.y === 0) [year, month, day] = [a, b, c];
      else if (a > 12) [day, month, year] = [a, b, c];
      else [month, day, year] = [a, b, c];
    }
    return [year, month, day];
  }
}

interface Result {
  year?: number;
  month?: number;
  day?: number;
  weekday?: number;
  hour?: number;
  minute?: number;
  second?: number;
  microsecond?: number;
  tzname?: string;
  tzoffset?: number | null;
  ampm?: number;
}

function adjustAmpm(hour: number, ampm: number): number {
  if (hour < 12 && ampm === 1) return hour + 12;
  if (hour === 12 && ampm === 0) return 0;
  return hour;
}

function minSec(value: number): [number, number | undefined] {
  const minute = Math.trunc(value);
  const remainder = value % 1;
  return [minute, remainder ? Math.trunc(60 * remainder) : undefined];
}

function parseMs(value: string): [number, number] {
  if (!value.includes('.')) return [int(value), 0];
  const parts = value.split('.');
  if (parts.length !== 2) fail();
  return [int(parts[0]!), int(parts[1]!.padEnd(6, '0').slice(0, 6))];
}

function couldBeTzname(res: Result, token: string): boolean {
  return res.hour !== undefined && res.tzname === undefined && res.tzoffset === undefined && token.length <= 5 && (/^[A-Z]*$/.test(token) || UTC_ZONES.includes(token));
}

function findHmsIndex(idx: number, tokens: string[]): number | undefined {
  const n = tokens.length;
  if (idx + 1 < n && HMS.has(tokens[idx + 1]!.toLowerCase())) return idx + 1;
  if (idx + 2 < n && tokens[idx + 1] === ' ' && HMS.has(tokens[idx + 2]!.toLowerCase())) return idx + 2;
  if (idx > 0 && HMS.has(tokens[idx - 1]!.toLowerCase())) return idx - 1;
  if (idx > 1 && idx === n - 1 && tokens[idx - 1] === ' ' && HMS.has(tokens[idx - 2]!.toLowerCase())) return idx - 2;
  return undefined;
}

function numericToken(tokens: string[], idx: number, ymd: Ymd, res: Result): number {
  const repr = tokens[idx]!;
  let value = decimal(repr);
  const len = repr.length;
  const n = tokens.length;
  const next = tokens[idx + 1];
  const jump = (token: string | undefined) => token !== undefined && JUMP.has(token.toLowerCase());
  const ampmOf = (token: string | undefined) => (token === undefined ? undefined : AMPM.get(token.toLowerCase()));
  if (ymd.length === 3 && (len === 2 || len === 4) && res.hour === undefined && (idx + 1 >= n || (next !== ':' && !HMS.has(next!.toLowerCase())))) {
    res.hour = int(repr.slice(0, 2));
    if (len === 4) res.minute = int(repr.slice(2));
  } else if (len === 6 || (len > 6 && repr.indexOf('.') === 6)) {
    if (ymd.length === 0 && !repr.includes('.')) {
      ymd.append(repr.slice(0, 2));
      ymd.append(repr.slice(2, 4));
      ymd.append(repr.slice(4));
    } else {
      res.hour = int(repr.slice(0, 2));
      res.minute = int(repr.slice(2, 4));
      [res.second, res.microsecond] = parseMs(repr.slice(4));
    }
  } else if (len === 8 || len === 12 || len === 14) {
    ymd.append(repr.slice(0, 4), 'Y');
    ymd.append(repr.slice(4, 6));
    ymd.append(repr.slice(6, 8));
    if (len > 8) {
      res.hour = int(repr.slice(8, 10));
      res.minute = int(repr.slice(10, 12));
      if (len > 12) res.second = int(repr.slice(12));
    }
  } else if (findHmsIndex(idx, tokens) !== undefined) {
    const hmsIdx = findHmsIndex(idx, tokens)!;
    let hms: number;
    if (hmsIdx > idx) {
      hms = HMS.get(tokens[hmsIdx]!.toLowerCase())!;
      idx = hmsIdx;
    } else hms = HMS.get(tokens[hmsIdx]!.toLowerCase())! + 1;
    if (hms === 0) {
      res.hour = Math.trunc(value);
      if (value % 1) res.minute = Math.trunc(60 * (value % 1));
    } else if (hms === 1) [res.minute, res.second] = minSec(value);
    else if (hms === 2) [res.second, res.microsecond] = parseMs(repr);
  } else if (idx + 2 < n && next === ':') {
    res.hour = Math.trunc(value);
    value = decimal(tokens[idx + 2]);
    [res.minute, res.second] = minSec(value);
    if (idx + 4 < n && tokens[idx + 3] === ':') {
      [res.second, res.microsecond] = parseMs(tokens[idx + 4]!);
      idx += 2;
    }
    idx += 2;
  } else if (idx + 1 < n && (next === '-' || next === '/' || next === '.')) {
    const sep = next;
    ymd.append(repr);
    if (idx + 2 < n && !jump(tokens[idx + 2])) {
      const third = tokens[idx + 2]!;
      if (isDigits(third)) ymd.append(third);
      else {
        const month = MONTHS.get(third.toLowerCase());
        if (month === undefined) fail();
        ymd.append(month + 1, 'M');
      }
      if (idx + 3 < n && tokens[idx + 3] === sep) {
        const fifth = tokens[idx + 4];
        if (fifth === undefined) fail();
        const month = MONTHS.get(fifth.toLowerCase());
        if (month !== undefined) ymd.append(month + 1, 'M');
        else ymd.append(fifth);
        idx += 2;
      }
      idx += 1;
    }
    idx += 1;
  } else if (idx + 1 >= n || jump(next)) {
    const ampm = ampmOf(tokens[idx + 2]);
    if (idx + 2 < n && ampm !== undefined) {
      res.hour = adjustAmpm(Math.trunc(value), ampm);
      idx += 1;
    } else ymd.append(value);
    idx += 1;
  } else if (ampmOf(next) !== undefined && value >= 0 && value < 24) {
    res.hour = adjustAmpm(Math.trunc(value), ampmOf(next)!);
    idx += 1;
  } else if (ymd.couldBeDay(value)) ymd.append(value);
  else fail();
  return idx;
}

function parseTokens(text: string): { res: Result; centurySpecified: boolean } {
  const tokens = timelex(text);
  const res: Result = {};
  const ymd = new Ymd();
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    const token = tokens[i]!;
    const lower = token.toLowerCase();
    if (isFloat(token)) {
      i = numericToken(tokens, i, ymd, res);
    } else if (WEEKDAYS.has(lower)) {
      res.weekday = WEEKDAYS.get(lower);
    } else if (MONTHS.has(lower)) {
      ymd.append(MONTHS.get(lower)! + 1, 'M');
      if (i + 1 < n) {
        if (tokens[i + 1] === '-' || tokens[i + 1] === '/') {
          const sep = tokens[i + 1];
          const value = tokens[i + 2];
          if (value === undefined) fail();
          ymd.append(value);
          if (i + 3 < n && tokens[i + 3] === sep) {
            const more = tokens[i + 4];
            if (more === undefined) fail();
            ymd.append(more);
            i += 2;
          }
          i += 2;
        } else if (i + 4 < n && tokens[i + 1] === ' ' && tokens[i + 3] === ' ' && tokens[i + 2]!.toLowerCase() === 'of') {
          if (isDigits(tokens[i + 4]!)) ymd.append(String(convertYear(Number(tokens[i + 4]), false)), 'Y');
          i += 4;
        }
      }
    } else if (AMPM.has(lower)) {
      if (res.hour === undefined || res.hour < 0 || res.hour > 12) fail();
      res.hour = adjustAmpm(res.hour, AMPM.get(lower)!);
      res.ampm = AMPM.get(lower);
    } else if (couldBeTzname(res, token)) {
      res.tzname = token;
      res.tzoffset = UTC_ZONES.includes(token) ? 0 : null;
      if (i + 1 < n && (tokens[i + 1] === '+' || tokens[i + 1] === '-')) {
        // "UTC+3" means 3 hours behind UTC (POSIX): dateutil flips the sign.
        tokens[i + 1] = tokens[i + 1] === '+' ? '-' : '+';
        res.tzoffset = undefined;
        if (UTC_ZONES.some((zone) => zone.toLowerCase() === lower)) res.tzname = undefined;
      }
    } else if (res.hour !== undefined && (token === '+' || token === '-')) {
      const sign = token === '+' ? 1 : -1;
      const offset = tokens[i + 1];
      if (offset === undefined) fail();
      let hours: number;
      let minutes: number;
      if (offset.length === 4) {
        hours = int(offset.slice(0, 2));
        minutes = int(offset.slice(2));
      } else if (i + 2 < n && tokens[i + 2] === ':') {
        hours = int(offset);
        const minuteToken = tokens[i + 3];
        if (minuteToken === undefined) fail();
        minutes = int(minuteToken);
        i += 2;
      } else if (offset.length <= 2) {
        hours = int(offset.slice(0, 2));
        minutes = 0;
      } else fail();
      res.tzoffset = sign * (hours * 3600 + minutes * 60);
      if (i + 5 < n && JUMP.has(tokens[i + 2]!.toLowerCase()) && tokens[i + 3] === '(' && tokens[i + 5] === ')' && tokens[i + 4]!.length >= 3 && couldBeTzname({ ...res, tzoffset: undefined }, tokens[i + 4]!)) {
        res.tzname = tokens[i + 4];
        i += 4;
      }
      i += 1;
    } else if (!JUMP.has(lower)) fail();
  }
  const [year, month, day] = ymd.resolve();
  if (year !== undefined) res.year = year;
  if (month !== undefined) res.month = month;
  if (day !== undefined) res.day = day;
  return { res, centurySpecified: ymd.centurySpecified };
}

function convertYear(year: number, centurySpecified: boolean): number {
  if (year < 0) fail();
  if (year < 100 && !centurySpecified) {
    const now = new Date().getFullYear();
    year += Math.floor(now / 100) * 100;
    if (year >= now + 50) year -= 100;
    else if (year < now - 50) year += 100;
  }
  return year;
}

/** dateutil.parser.parse(text), or undefined where it raises. */
export function parseAnyDateTime(text: string): ParsedDateTime | undefined {
  let parsed: { res: Result; centurySpecified: boolean };
  try {
    parsed = parseTokens(text);
  } catch (error) {
    if (error instanceof ParseFailure) return undefined;
    throw error;
  }
  const { res } = parsed;
  if (res.year !== undefined) {
    try {
      res.year = convertYear(res.year, parsed.centurySpecified);
    } catch {
      return undefined;
    }
  }
  if (Object.values(res).every((value) => value === undefined)) return undefined;
  const today = new Date();
  const year = res.year ?? today.getFullYear();
  const month = res.month ?? today.getMonth() + 1;
  let day = res.day ?? today.getDate();
  if (year < 1 || year > 9999 || month < 1 || month > 12) return undefined;
  if (res.day === undefined && day > daysInMonth(year, month)) day = daysInMonth(year, month);
  const hour = res.hour ?? 0;
  const minute = res.minute ?? 0;
  const second = res.second ?? 0;
  const microsecond = res.microsecond ?? 0;
  if (day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || microsecond < 0 || microsecond > 999999) return undefined;
  let ms = utcMs(year, month, day);
  if (res.weekday !== undefined && !res.day) {
    // relativedelta(weekday=...): the next such weekday, today included (Monday is 0).
    const weekday = (Math.floor(ms / 86_400_000) + 3) % 7;
    ms += ((res.weekday - weekday + 7) % 7) * 86_400_000;
  }
  const date = new Date(ms);
  const offset = typeof res.tzoffset === 'number' ? res.tzoffset * 1000 : undefined;
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    dayMs: ((hour * 60 + minute) * 60 + second) * 1000 + Math.floor(microsecond / 1000),
    ...(offset !== undefined ? { offsetMs: offset } : {}),
  };
}
