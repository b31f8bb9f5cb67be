import { isAscii, isUtf8 } from 'node:buffer';
import { usageError } from '../errors.js';
import type { ChunkStore, CsvChunk } from './csv-chunk.js';
import type { ByteDialect } from './csv-dialect.js';
import { parseDialectRows } from './csv-dialect-rows.js';
import { parsePlainRows } from './csv-plain-rows.js';
import { parseRows } from './csv-rows.js';
import { countNewlines, firstInvalidUtf8 } from './source.js';

/**
 * Byte-level RFC 4180 reader: cuts a stream of byte pieces into chunks of whole rows (csv-chunk.ts),
 * carrying an unfinished row into the next piece. The row loop is csv-rows.ts.
 * Rows end in LF, CRLF or a lone CR; a blank line is an empty row (as Python's csv module reads).
 */

const QUOTE = 34;
const LF = 10;
const CR = 13;

const MAX_FREE_STORES = 8;

export class CsvByteParser {
  /** Bytes of an unfinished row, carried into the next push. */
  private tail: Buffer = Buffer.alloc(0);
  private tailLength = 0;
  private line = 1;
  private first = true;
  private readonly delimiter: number;
  private readonly free: ChunkStore[] = [];
  /** Chunks returned so far. */
  private chunks = 0;
  private mostRows = 0;
  private mostFieldsPerRow = 1;

  constructor(
    private readonly file: string,
    delimiter: string,
    private readonly maxRowBytes: number,
    /** Absent: RFC 4180 (the fast row loop). */
    private readonly dialect?: ByteDialect,
  ) {
    const code = Buffer.from(delimiter, 'utf8');
    if (code.length !== 1 || code[0] === (dialect ? dialect.quote : QUOTE) || code[0] === LF || code[0] === CR || code[0] === dialect?.escape) {
      throw usageError(`the CSV delimiter must be one ASCII character other than a quote or newline, got '${delimiter}'`, { code: 'csv-delimiter', hint: "Use e.g. --delimiter ';' or --delimiter '\\t'." });
    }
    this.delimiter = code[0]!;
  }

  /**
   * Gives a chunk's memory back for later chunks: call it when nothing reads the chunk any more.
   * The chunk may have come back from a worker thread (same memory, new views).
   */
  recycle(chunk: CsvChunk): void {
    if (this.free.length >= MAX_FREE_STORES || chunk.buf.buffer.byteLength === 0) return;
    this.free.push({
      buf: Buffer.from(chunk.buf.buffer),
      starts: new Int32Array(chunk.starts.buffer),
      ends: new Int32Array(chunk.ends.buffer),
      escaped: new Uint8Array(chunk.escaped.buffer),
      rowOffsets: new Int32Array(chunk.rowOffsets.buffer),
      lines: new Int32Array(chunk.lines.buffer),
    });
  }

  private store(bytes: number): ChunkStore {
    const reused = this.free.pop();
    if (reused && reused.buf.length >= bytes) return reused;
    // Sized like the chunks seen so far, so the arrays rarely grow while a chunk is parsed.
    const rows = Math.max(1 << 13, Math.ceil(this.mostRows * 1.25));
    const fields = Math.max(1 << 16, rows * this.mostFieldsPerRow);
    return {
      // Headroom for the carried tail, so a recycled store fits the next chunk too.
      buf: Buffer.allocUnsafeSlow(Math.max(bytes + (bytes >> 3), (1 << 20) + (1 << 16))),
      starts: reused?.starts ?? new Int32Array(fields),
      ends: reused?.ends ?? new Int32Array(fields),
      escaped: reused?.escaped ?? new Uint8Array(fields),
      rowOffsets: reused?.rowOffsets ?? new Int32Array(rows + 1),
      lines: reused?.lines ?? new Int32Array(rows + 1),
    };
  }

  /**
   * Parses every complete row in the carried tail + chunk; `final` flushes the last row.
   * `defer`: when the bytes have no quote and no CR (so every LF ends a row), only count the rows
   * and leave the parsing to parseDeferred, which a worker thread can run. Never for the first
   * chunk, which holds the header.
   */
  push(chunk: Buffer, final: boolean, defer = false): CsvChunk | undefined {
    const length = this.tailLength + chunk.length;
    if (this.first && length < 3 && !final) {
      this.keepTail(chunk, 0, chunk.length);
      return undefined;
    }
    const store = this.store(length);
    this.tail.copy(store.buf, 0, 0, this.tailLength);
    chunk.copy(store.buf, this.tailLength);
    let buf = store.buf.subarray(0, length);
    if (this.first && buf.length > 0) {
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
    if (defer && this.chunks > 0 && !this.dialect) {
      const deferred = this.deferRows(store, buf, final);
      if (deferred) return deferred;
    }
    const tooLong = (length: number, rowLine: number, inQuote: boolean) => this.checkSize(length, rowLine, inQuote);
    const { rowCount, fieldCount, consumed, consumedLine } = this.dialect
      ? parseDialectRows(buf, final, this.delimiter, this.dialect, this.line, store, this.file, tooLong)
      : parseRows(buf, final, this.delimiter, this.line, store, this.file, tooLong);
    const { starts, ends, escaped, rowOffsets, lines } = store;
    const body = buf.subarray(0, consumed);
    checkUtf8(this.file, body, this.line);
    this.tailLength = 0;
    this.keepTail(buf, consumed, n);
    this.line = consumedLine;
    if (final && this.tailLength > 0) {
      // Only reachable with an incomplete multi-byte sequence or similar at EOF.
      throw usageError('the file ends in the middle of a row', { code: 'csv-truncated', location: { file: this.file, line: consumedLine }, hint: 'Check that the file was written completely.' });
    }
    if (rowCount === 0) {
      if (this.free.length < MAX_FREE_STORES) this.free.push(store);
      return undefined;
    }
    this.chunks++;
    this.mostRows = Math.max(this.mostRows, rowCount);
    this.mostFieldsPerRow = Math.max(this.mostFieldsPerRow, Math.ceil(fieldCount / rowCount));
    return {
      buf: body,
      ascii: isAscii(body),
      rowCount,
      rowOffsets: rowOffsets.subarray(0, rowCount + 1),
      starts: starts.subarray(0, fieldCount),
      ends: ends.subarray(0, fieldCount),
      escaped: escaped.subarray(0, fieldCount),
      lines: lines.subarray(0, rowCount),
      ...(this.dialect ? { dialect: this.dialect } : {}),
    };
  }

  /** push's `defer` case: the rows up to the last LF, counted; undefined when not possible. */
  private deferRows(store: ChunkStore, buf: Buffer, final: boolean): CsvChunk | undefined {
    if (buf.indexOf(QUOTE) !== -1 || buf.indexOf(CR) !== -1) return undefined;
    const n = buf.length;
    const cut = final ? n : buf.lastIndexOf(LF) + 1;
    if (cut === 0) return undefined; // no complete row: the parser carries it and checks its size
    const body = buf.subarray(0, cut);
    const newlines = countNewlines(body, cut);
    const rowCount = newlines + (body[cut - 1] === LF ? 0 : 1);
    const startLine = this.line;
    this.line += newlines;
    this.tailLength = 0;
    this.keepTail(buf, cut, n);
    if (!final && n - cut > this.maxRowBytes) this.checkSize(n - cut, this.line, false);
    this.chunks++;
    this.mostRows = Math.max(this.mostRows, rowCount);
    const { starts, ends, escaped, rowOffsets, lines } = store;
    return { buf: body, ascii: false, rowCount, rowOffsets, starts, ends, escaped, lines, deferred: { file: this.file, delimiter: this.delimiter, startLine, final } };
  }

  /** Appends bytes[from, to) to the carried tail. */
  private keepTail(bytes: Buffer, from: number, to: number): void {
    const need = this.tailLength + to - from;
    if (need > this.tail.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.tail.length * 2, 256));
      this.tail.copy(grown, 0, 0, this.tailLength);
      this.tail = grown;
    }
    bytes.copy(this.tail, this.tailLength, from, to);
    this.tailLength = need;
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

/** Parses a chunk that push deferred; the result is the chunk push would have returned. */
export function parseDeferred(chunk: CsvChunk): CsvChunk {
  const { file, delimiter, startLine, final } = chunk.deferred!;
  const store: ChunkStore = { buf: chunk.buf, starts: chunk.starts, ends: chunk.ends, escaped: chunk.escaped, rowOffsets: chunk.rowOffsets, lines: chunk.lines };
  const body = chunk.buf;
  checkUtf8(file, body, startLine);
  // Only a final chunk can lack the closing LF that parsePlainRows needs.
  const { rowCount, fieldCount } =
    body[body.length - 1] === LF
      ? parsePlainRows(body, delimiter, startLine, store)
      : parseRows(body, final, delimiter, startLine, store, file, () => {
          throw new Error('a deferred CSV chunk ends inside a row');
        });
  if (rowCount !== chunk.rowCount) throw new Error(`a deferred CSV chunk has ${rowCount} rows, counted ${chunk.rowCount}`);
  return {
    buf: body,
    ascii: isAscii(body),
    rowCount,
    rowOffsets: store.rowOffsets.subarray(0, rowCount + 1),
    starts: store.starts.subarray(0, fieldCount),
    ends: store.ends.subarray(0, fieldCount),
    escaped: store.escaped.subarray(0, fieldCount),
    lines: store.lines.subarray(0, rowCount),
  };
}

function checkUtf8(file: string, body: Buffer, startLine: number): void {
  if (isUtf8(body)) return;
  const offset = firstInvalidUtf8(body);
  const at = startLine + countNewlines(body, offset);
  throw usageError(`invalid UTF-8 at line ${at}`, { code: 'data-invalid-utf8', location: { file, line: at }, hint: 'Save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).' });
}

