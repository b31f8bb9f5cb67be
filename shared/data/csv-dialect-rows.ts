// A separate copy of csv-rows.ts's row loop on purpose (issue 11): only the field scan differs,
// but merging the two into one parseRows that takes the dialect made the default RFC 4180 path,
// the hot loop of CSV validation, slower: 2.4 % (dialect scan inline) and 2.1 % (scan in its own
// function) on a 2M-row x 12-column file (median parse loop 502 ms -> 514 / 513 ms, six runs).
// Keep their row-level steps alike when either changes; they differ in one: only this loop tells
// tooLong of a row that a piece ends just after a delimiter.
import { usageError } from '../errors.js';
import type { ChunkStore } from './csv-chunk.js';
import type { ByteDialect } from './csv-dialect.js';
import { grow32, grow8 } from './csv-rows.js';

const LF = 10;
const CR = 13;
const SPACE = 32;

/**
 * The row loop for a dialect other than RFC 4180 (csv-rows.ts is that one): Python's csv reader's
 * states over bytes. A field's range is its raw bytes; it is flagged for decodeDialectField when
 * it was quoted or holds an escape, and starts after the spaces skipInitialSpace drops.
 * Same contract as parseRows: every complete row of buf, and with `final` the last one.
 */
export function parseDialectRows(
  buf: Buffer,
  final: boolean,
  delim: number,
  dialect: ByteDialect,
  startLine: number,
  store: ChunkStore,
  file: string,
  tooLong: (length: number, rowLine: number, inQuote: boolean) => void,
): { rowCount: number; fieldCount: number; consumed: number; consumedLine: number } {
  const { quote, doubleQuote, escape, skipInitialSpace } = dialect;
  const n = buf.length;
  let { starts, ends, escaped, rowOffsets, lines } = store;
  let fieldCount = 0;
  let rowCount = 0;
  let pos = 0;
  let line = startLine;
  let consumed = 0;
  let consumedLine = line;
  rows: while (pos < n) {
    const rowStart = pos;
    const rowLine = line;
    const rowFieldStart = fieldCount;
    if (rowCount + 1 >= rowOffsets.length) {
      rowOffsets = grow32(rowOffsets);
      lines = grow32(lines);
    }
    let c = buf[pos]!;
    if (c === LF || c === CR) {
      if (c === CR) {
        if (pos + 1 >= n && !final) break;
        pos += buf[pos + 1] === LF ? 2 : 1;
      } else pos++;
      line++;
      rowOffsets[rowCount] = rowFieldStart;
      lines[rowCount] = rowLine;
      rowCount++;
      consumed = pos;
      consumedLine = line;
      continue;
    }
    // One field per turn; `ended` says what ended it.
    for (;;) {
      if (fieldCount >= starts.length) {
        starts = grow32(starts);
        ends = grow32(ends);
        escaped = grow8(escaped);
      }
      if (skipInitialSpace) while (pos < n && buf[pos] === SPACE) pos++;
      const start = pos;
      let flag = 0;
      let inQuote = false;
      if (pos < n && buf[pos] === quote) {
        flag = 1;
        inQuote = true;
        pos++;
      }
      let ended: 'delimiter' | 'newline' | 'end' = 'end';
      while (pos < n) {
        c = buf[pos]!;
        if (c === escape) {
          flag = 1;
          if (pos + 1 >= n) break;
          if (buf[pos + 1] === LF) line++;
          pos += 2;
          continue;
        }
        if (inQuote) {
          if (c === quote) {
            if (doubleQuote && pos + 1 < n && buf[pos + 1] === quote) {
              pos += 2;
              continue;
            }
            if (doubleQuote && pos + 1 >= n && !final) break;
            inQuote = false;
          } else if (c === LF) line++;
          pos++;
          continue;
        }
        if (c === delim) {
          ended = 'delimiter';
          break;
        }
        if (c === LF || c === CR) {
          ended = 'newline';
          break;
        }
        pos++;
      }
      if (ended === 'end') {
        if (!final) {
          tooLong(n - rowStart, rowLine, inQuote);
          fieldCount = rowFieldStart;
          line = rowLine;
          break rows;
        }
        if (inQuote) {
          throw usageError(`unterminated quoted field starting at line ${rowLine}`, {
            code: 'csv-unterminated-quote',
            location: { file, line: rowLine },
            hint: 'A field opened with a quote never closes. Close it, or check the dialect (quoteChar, escapeChar).',
          });
        }
      }
      starts[fieldCount] = start;
      ends[fieldCount] = Math.min(pos, n);
      escaped[fieldCount] = flag;
      fieldCount++;
      if (ended === 'end') {
        rowOffsets[rowCount] = rowFieldStart;
        lines[rowCount] = rowLine;
        rowCount++;
        consumed = n;
        consumedLine = line;
        break rows;
      }
      if (ended === 'delimiter') {
        pos++;
        if (pos >= n && final) {
          if (fieldCount >= starts.length) {
            starts = grow32(starts);
            ends = grow32(ends);
            escaped = grow8(escaped);
          }
          starts[fieldCount] = pos;
          ends[fieldCount] = pos;
          escaped[fieldCount] = 0;
          fieldCount++;
          rowOffsets[rowCount] = rowFieldStart;
          lines[rowCount] = rowLine;
          rowCount++;
          consumed = pos;
          consumedLine = line;
          break rows;
        }
        continue;
      }
      if (buf[pos] === CR) {
        if (pos + 1 >= n && !final) {
          fieldCount = rowFieldStart;
          line = rowLine;
          break rows;
        }
        pos += buf[pos + 1] === LF ? 2 : 1;
      } else pos++;
      line++;
      rowOffsets[rowCount] = rowFieldStart;
      lines[rowCount] = rowLine;
      rowCount++;
      consumed = pos;
      consumedLine = line;
      break;
    }
  }
  Object.assign(store, { starts, ends, escaped, rowOffsets, lines });
  rowOffsets[rowCount] = fieldCount;
  return { rowCount, fieldCount, consumed, consumedLine };
}
