import { usageError } from '../errors.js';
import type { ChunkStore } from './csv-chunk.js';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The row loop: every complete row of buf (and with `final`, the last one) into the store's
 * arrays, grown as needed. `tooLong` is told when an unfinished row reaches the end of buf.
 */
export function parseRows(
  buf: Buffer,
  final: boolean,
  delim: number,
  startLine: number,
  store: ChunkStore,
  file: string,
  tooLong: (length: number, rowLine: number, inQuote: boolean) => void,
): { rowCount: number; fieldCount: number; consumed: number; consumedLine: number } {
  const n = buf.length;
  let starts = store.starts;
  let ends = store.ends;
  let escaped = store.escaped;
  let rowOffsets = store.rowOffsets;
  let lines = store.lines;
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
      // Blank line: an empty row.
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
    for (;;) {
      if (fieldCount >= starts.length) {
        starts = grow32(starts);
        ends = grow32(ends);
        escaped = grow8(escaped);
      }
      let flag = 0;
      let start: number;
      let end: number;
      if (pos < n && buf[pos] === QUOTE) {
        const quoteLine = line;
        let q = pos + 1;
        for (;;) {
          q = buf.indexOf(QUOTE, q);
          if (q === -1 || (q + 1 >= n && !final)) {
            if (final) {
              throw usageError(`unterminated quoted field starting at line ${quoteLine}`, {
                code: 'csv-unterminated-quote',
                location: { file: file, line: quoteLine },
                hint: 'A field opened with " never closes. Close it, or double the quotes inside quoted fields ("").',
              });
            }
            tooLong(n - rowStart, rowLine, true);
            fieldCount = rowFieldStart;
            line = rowLine;
            break rows;
          }
          if (buf[q + 1] === QUOTE) {
            flag = 1;
            q += 2;
            continue;
          }
          break;
        }
        for (let k = pos + 1; k < q; k++) if (buf[k] === LF) line++;
        start = pos + 1;
        end = q;
        pos = q + 1;
        // Text after the closing quote is kept literally, as Python does.
        while (pos < n && (c = buf[pos]!) !== delim && c !== LF && c !== CR) pos++;
        if (pos > q + 1 || flag) {
          flag = 1;
          start -= 1;
          end = pos;
        }
      } else {
        start = pos;
        while (pos < n && (c = buf[pos]!) !== delim && c !== LF && c !== CR) pos++;
        end = pos;
      }
      starts[fieldCount] = start;
      ends[fieldCount] = end;
      escaped[fieldCount] = flag;
      fieldCount++;
      if (pos >= n) {
        if (!final) {
          tooLong(n - rowStart, rowLine, false);
          fieldCount = rowFieldStart;
          line = rowLine;
          break rows;
        }
        rowOffsets[rowCount] = rowFieldStart;
        lines[rowCount] = rowLine;
        rowCount++;
        consumed = pos;
        consumedLine = line;
        break rows;
      }
      c = buf[pos]!;
      if (c === delim) {
        pos++;
        if (pos >= n) {
          if (!final) {
            fieldCount = rowFieldStart;
            line = rowLine;
            break rows;
          }
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
      if (c === CR) {
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

export function grow32(array: Int32Array<ArrayBufferLike>): Int32Array<ArrayBufferLike> {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}

export function grow8(array: Uint8Array<ArrayBufferLike>): Uint8Array<ArrayBufferLike> {
  const next = new Uint8Array(array.length * 2);
  next.set(array);
  return next;
}

