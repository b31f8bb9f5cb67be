import { INVALID, type Caster } from './cast-value.js';
import { parseAnyDateTime } from './dateutil-parse.js';
import { compileStrptime, daysInMonth, parseOffset, utcMs } from './strptime.js';

// date, datetime and time casters, as frictionless-py 5 casts them: ISO forms by default, a strptime
// pattern, or `any` through dateutil's parser. Values are epoch ms (date, datetime) and ms since midnight (time).

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dateCaster(format: string): Caster {
  if (format === 'default') {
    const parse = compileStrptime('%Y-%m-%d');
    return (cell) => {
      if (typeof cell !== 'string') return INVALID;
      // Fast path for the canonical form; strptime also accepts 2024-1-5.
      const fast = cell.length === 10 ? ISO_DATE.exec(cell) : null;
      if (fast) {
        const year = Number(fast[1]);
        const month = Number(fast[2]);
        const day = Number(fast[3]);
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return INVALID;
        return utcMs(year, month, day);
      }
      const parsed = parse(cell);
      return parsed ? parsed.epochMs : INVALID;
    };
  }
  if (format === 'any') {
    return (cell) => {
      const parsed = typeof cell === 'string' ? parseAnyDateTime(cell) : undefined;
      return parsed ? utcMs(parsed.year, parsed.month, parsed.day) : INVALID;
    };
  }
  const parse = compileStrptime(format);
  return (cell) => {
    if (typeof cell !== 'string') return INVALID;
    const parsed = parse(cell);
    return parsed ? parsed.epochMs - parsed.dayMs : INVALID;
  };
}

// dateutil.isoparse as frictionless guards it: a 'YYYY-MM-DD?HH:MM:SS' prefix, then fraction and offset.
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2}).(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function isoParts(match: RegExpExecArray, offset: number): { dayMs: number; offsetMs: number } | null {
  const hour = Number(match[offset]);
  const minute = Number(match[offset + 1]);
  const second = Number(match[offset + 2]);
  if (hour > 24 || minute > 59 || second > 59) return null;
  if (hour === 24 && (minute !== 0 || second !== 0)) return null;
  const fraction = match[offset + 3];
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  const zone = match[offset + 4];
  const offsetMs = zone && zone !== 'Z' ? parseOffset(zone) : 0;
  return { dayMs: ((hour * 60 + minute) * 60 + second) * 1000 + ms, offsetMs };
}

export function datetimeCaster(format: string): Caster {
  if (format === 'default') {
    return (cell) => {
      if (typeof cell !== 'string') return INVALID;
      const match = ISO_DATETIME.exec(cell);
      if (!match) return INVALID;
      const year = Number(match[1]);
      const month = Number(match[2]);
      const day = Number(match[3]);
      if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return INVALID;
      const parts = isoParts(match, 4);
      if (!parts) return INVALID;
      return utcMs(year, month, day) + parts.dayMs - parts.offsetMs;
    };
  }
  if (format === 'any') {
    return (cell) => {
      const parsed = typeof cell === 'string' ? parseAnyDateTime(cell) : undefined;
      return parsed ? utcMs(parsed.year, parsed.month, parsed.day) + parsed.dayMs - (parsed.offsetMs ?? 0) : INVALID;
    };
  }
  const parse = compileStrptime(format);
  return (cell) => {
    if (typeof cell !== 'string') return INVALID;
    const parsed = parse(cell);
    return parsed ? parsed.epochMs : INVALID;
  };
}

export function timeCaster(format: string): Caster {
  if (format === 'default') {
    return (cell) => {
      if (typeof cell !== 'string') return INVALID;
      const match = ISO_TIME.exec(cell);
      if (!match) return INVALID;
      const parts = isoParts(match, 1);
      if (!parts) return INVALID;
      return parts.dayMs;
    };
  }
  if (format === 'any') {
    return (cell) => {
      const parsed = typeof cell === 'string' ? parseAnyDateTime(cell) : undefined;
      return parsed ? parsed.dayMs : INVALID;
    };
  }
  const parse = compileStrptime(format);
  return (cell) => {
    if (typeof cell !== 'string') return INVALID;
    const parsed = parse(cell);
    return parsed ? parsed.dayMs : INVALID;
  };
}
