import { isAscii, isUtf8 } from 'node:buffer';
import { usageError } from '../errors.js';
import { countNewlines, firstInvalidUtf8 } from './source.js';

/**
 * Byte-level RFC 4180 reader: no string or array per cell. A chunk is the file's bytes for a
 * run of whole rows plus, per field, its [start, end) byte range; a field that needs unquoting
 * (doubled quotes, or text after the closing quote) is flagged and decoded on demand.
 * Rows end in LF, CRLF or a lone CR; a blank line is an empty row (as Python's csv module reads).
 */
export interface CsvChunk {
  buf: Buffer;
  /** True when every byte is ASCII (cells can be decoded as latin1, which is faster). */
  ascii: boolean;
  rowCount: number;
  /** Row r's fields are [rowOffsets[r], rowOffsets[r + 1]). */
  rowOffsets: Int32Array<ArrayBufferLike>;
  starts: Int32Array<ArrayBufferLike>;
  ends: Int32Array<ArrayBufferLike>;
  /** 1 when the field must be unquoted by decodeField (raw range includes the quotes). */
  escaped: Uint8Array<ArrayBufferLike>;
  /** Physical line where each row starts. */
  lines: Int32Array<ArrayBufferLike>;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvByteParser {
  private pending: Buffer | undefined;
  private line = 1;
  private first = true;
  private readonly delimiter: number;
  // Reused output buffers (grown as needed); each chunk gets its own copies via subarray+slice.
  private starts: Int32Array<ArrayBufferLike> = new Int32Array(1 << 16);
  private ends: Int32Array<ArrayBufferLike> = new Int32Array(1 << 16);
  private escaped: Uint8Array<ArrayBufferLike> = new Uint8Array(1 << 16);
  private rowOffsets: Int32Array<ArrayBufferLike> = new Int32Array(1 << 13);
  private lines: Int32Array<ArrayBufferLike> = new Int32Array(1 << 13);

  constructor(
    private readonly file: string,
    delimiter: string,
    private readonly maxRowBytes: number,
  ) {
    const code = Buffer.from(delimiter, 'utf8');
    if (code.length !== 1 || code[0] === QUOTE || code[0] === LF || code[0] === CR) {
      throw usageError(`the CSV delimiter must be one ASCII character other than a quote or newline, got '${delimiter}'`, { code: 'csv-delimiter', hint: "Use e.g. --delimiter ';' or --delimiter '\\t'." });
    }
    this.delimiter = code[0]!;
  }

  /** Parses every complete row in pending + chunk; `final` flushes the last row. */
  push(chunk: Buffer, final: boolean): CsvChunk | undefined {
    let buf = this.pending && this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.first && buf.length > 0) {
      if (buf.length < 3 && !final) {
        this.pending = buf;
        return undefined;
      }
      this.first = false;
      const nul = buf.subarray(0, 8192).indexOf(0);
      if (nul !== -1) {
        throw usageError(`${this.file} looks like a binary file (a NUL byte at offset ${nul}), not text`, {
          code: 'data-binary',
          location: { file: this.file, line: 1 + countNewlines(buf, nul) },
          hint: 'Pass a CSV or JSON Lines text file, or set --data-format parquet for Parquet files.',
        });
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    const n = buf.length;
    const delim = this.delimiter;
    let starts = this.starts;
    let ends = this.ends;
    let escaped = this.escaped;
    let rowOffsets = this.rowOffsets;
    let lines = this.lines;
    let fieldCount = 0;
    let rowCount = 0;
    let pos = 0;
    let line = this.line;
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
                  location: { file: this.file, line: quoteLine },
                  hint: 'A field opened with " never closes. Close it, or double the quotes inside quoted fields ("").',
                });
              }
              this.checkSize(n - rowStart, rowLine, true);
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
            this.checkSize(n - rowStart, rowLine, false);
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
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
    this.rowOffsets = rowOffsets;
    this.lines = lines;
    rowOffsets[rowCount] = fieldCount;
    const body = buf.subarray(0, consumed);
    if (!isUtf8(body)) {
      const offset = firstInvalidUtf8(body);
      const at = this.line + countNewlines(body, offset);
      throw usageError(`invalid UTF-8 at line ${at}`, { code: 'data-invalid-utf8', location: { file: this.file, line: at }, hint: 'Save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).' });
    }
    this.pending = consumed < n ? Buffer.from(buf.subarray(consumed)) : undefined;
    this.line = consumedLine;
    if (final && this.pending) {
      // Only reachable with an incomplete multi-byte sequence or similar at EOF.
      throw usageError('the file ends in the middle of a row', { code: 'csv-truncated', location: { file: this.file, line: consumedLine }, hint: 'Check that the file was written completely.' });
    }
    if (rowCount === 0) return undefined;
    return {
      buf: body,
      ascii: isAscii(body),
      rowCount,
      rowOffsets: rowOffsets.slice(0, rowCount + 1),
      starts: starts.slice(0, fieldCount),
      ends: ends.slice(0, fieldCount),
      escaped: escaped.slice(0, fieldCount),
      lines: lines.slice(0, rowCount),
    };
  }

  private checkSize(length: number, rowLine: number, inQuote: boolean): void {
    if (length <= this.maxRowBytes) return;
    const mib = (this.maxRowBytes / (1 << 20)).toFixed(0);
    throw usageError(
      inQuote
        ? `quoted field starting at line ${rowLine} is still open after ${mib} MiB: an unterminated quote or a binary file`
        : `row at line ${rowLine} is longer than ${mib} MiB`,
      {
        code: inQuote ? 'csv-unterminated-quote' : 'csv-field-too-large',
        location: { file: this.file, line: rowLine },
        hint: inQuote
          ? 'Check the quotes on this line; a field opened with " must close with ".'
          : 'Rows this large are not tabular data; check the file and the delimiter, or raise --max-field-size.',
      },
    );
  }
}

function grow32(array: Int32Array<ArrayBufferLike>): Int32Array<ArrayBufferLike> {
  const next = new Int32Array(array.length * 2);
  next.set(array);
  return next;
}

function grow8(array: Uint8Array<ArrayBufferLike>): Uint8Array<ArrayBufferLike> {
  const next = new Uint8Array(array.length * 2);
  next.set(array);
  return next;
}

/** The field's text: unquoted and with doubled quotes collapsed when flagged. */
export function decodeField(chunk: CsvChunk, field: number): string {
  const start = chunk.starts[field]!;
  const end = chunk.ends[field]!;
  const buf = chunk.buf;
  if (chunk.escaped[field] === 0) return chunk.ascii ? (buf as FastBuffer).latin1Slice(start, end) : (buf as FastBuffer).utf8Slice(start, end);
  // Raw range: "quoted ""part"""trailing
  const close = findClosingQuote(buf, start + 1, end);
  const inner = buf.toString('utf8', start + 1, close).replace(/""/g, '"');
  return inner + buf.toString('utf8', close + 1, end);
}

/** Node's Buffer has these (undocumented, stable since v0.x) slicers without toString's argument checks. */
type FastBuffer = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

function findClosingQuote(buf: Buffer, from: number, end: number): number {
  let q = from;
  for (;;) {
    q = buf.indexOf(QUOTE, q);
    if (q === -1 || q >= end) return end;
    if (buf[q + 1] === QUOTE && q + 1 < end) {
      q += 2;
      continue;
    }
    return q;
  }
}

/** The chunk's rows as string arrays, for consumers that want plain cells. */
export function chunkRows(chunk: CsvChunk): string[][] {
  const rows: string[][] = new Array<string[]>(chunk.rowCount);
  for (let r = 0; r < chunk.rowCount; r++) {
    const from = chunk.rowOffsets[r]!;
    const to = chunk.rowOffsets[r + 1]!;
    const cells = new Array<string>(to - from);
    for (let f = from; f < to; f++) cells[f - from] = decodeField(chunk, f);
    rows[r] = cells;
  }
  return rows;
}
