import { usageError } from '../errors.js';
import type { CsvDialect } from './source.js';

/**
 * A Frictionless CSV dialect resolved to bytes, read the way frictionless-py reads it: through
 * Python's csv module, where `doubleQuote: false` counts only with an `escapeChar` (without one
 * frictionless keeps doubled quotes), and an empty `quoteChar` turns quoting off.
 */
export interface ByteDialect {
  /** The quote byte, or -1 for no quoting. */
  quote: number;
  doubleQuote: boolean;
  /** The escape byte, or -1. */
  escape: number;
  skipInitialSpace: boolean;
}

export interface ResolvedDialect {
  /** Undefined when the bytes read as RFC 4180 (the fast row loop). */
  bytes: ByteDialect | undefined;
  /** A row whose first cell starts with this is a comment: skipped, but it keeps its row number. */
  comment: string | undefined;
  header: boolean;
  /**
   * 1-based row numbers of the header rows, ascending; rows before the last one are not data.
   * Undefined when the dialect names none: the header is the first row that is not a comment.
   */
  headerRows: number[] | undefined;
  headerJoin: string;
}

const QUOTE = 34;

export function resolveDialect(file: string, dialect: CsvDialect = {}): ResolvedDialect {
  const quote = dialect.quoteChar === undefined ? QUOTE : dialect.quoteChar === '' ? -1 : oneByte(file, 'quoteChar', dialect.quoteChar);
  const escape = dialect.escapeChar === undefined || dialect.escapeChar === '' ? -1 : oneByte(file, 'escapeChar', dialect.escapeChar);
  const doubleQuote = escape === -1 ? true : dialect.doubleQuote ?? true;
  const skipInitialSpace = dialect.skipInitialSpace ?? false;
  const plain = quote === QUOTE && doubleQuote && escape === -1 && !skipInitialSpace;
  const headerRows = dialect.headerRows && [...new Set(dialect.headerRows)].sort((a, b) => a - b);
  if (headerRows?.some((row) => !Number.isInteger(row) || row < 1)) {
    throw usageError(`dialect headerRows must be row numbers from 1, got ${JSON.stringify(dialect.headerRows)}`, { code: 'csv-dialect', location: { file }, hint: 'E.g. headerRows: [1, 2] for a header written on two rows.' });
  }
  return {
    bytes: plain ? undefined : { quote, doubleQuote, escape, skipInitialSpace },
    comment: dialect.commentChar === undefined || dialect.commentChar === '' ? undefined : dialect.commentChar,
    header: dialect.header ?? true,
    headerRows,
    headerJoin: dialect.headerJoin ?? ' ',
  };
}

function oneByte(file: string, name: string, value: string): number {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length !== 1 || bytes[0] === 10 || bytes[0] === 13) {
    throw usageError(`dialect ${name} must be one ASCII character other than a newline, got '${value}'`, { code: 'csv-dialect', location: { file }, hint: `E.g. ${name}: "'".` });
  }
  return bytes[0]!;
}

/** A field's text under a dialect, from its raw bytes (quotes and escapes included), as Python's csv module reads it. */
export function decodeDialectField(dialect: ByteDialect, buf: Buffer, start: number, end: number): string {
  const { quote, doubleQuote, escape } = dialect;
  const out = Buffer.allocUnsafe(end - start);
  let length = 0;
  let i = start;
  let quoted = false;
  if (i < end && buf[i] === quote) {
    quoted = true;
    i++;
  }
  while (i < end) {
    const c = buf[i]!;
    if (c === escape) {
      if (i + 1 < end) out[length++] = buf[i + 1]!;
      i += 2;
      continue;
    }
    if (quoted && c === quote) {
      if (doubleQuote && i + 1 < end && buf[i + 1] === quote) {
        out[length++] = quote;
        i += 2;
        continue;
      }
      // After the closing quote the rest is kept literally, quotes included.
      quoted = false;
      i++;
      continue;
    }
    out[length++] = c;
    i++;
  }
  return out.toString('utf8', 0, length);
}
