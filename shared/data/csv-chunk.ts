import type { ByteDialect } from './csv-dialect.js';

/**
 * The CSV chunk layout that the byte parser (csv-bytes.ts) writes and every reader of cells (the
 * row checks, the column kernels, the worker threads) reads: no string or array per cell. A chunk
 * is the file's bytes for a run of whole rows plus, per field, its [start, end) byte range; a field
 * that needs unquoting (doubled quotes, or text after the closing quote) is flagged and decoded on
 * demand (csv-fields.ts).
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
  /**
   * Set when the rows were only counted, not parsed (see CsvByteParser.push's `defer`): the
   * field arrays are empty until parseDeferred fills them, possibly on another thread.
   */
  deferred?: DeferredRows;
  /** Set when the file's dialect is not RFC 4180: flagged fields are decoded with it. */
  dialect?: ByteDialect;
}

/** What parseDeferred needs to parse a deferred chunk exactly as the parser would have. */
export interface DeferredRows {
  file: string;
  delimiter: number;
  startLine: number;
  final: boolean;
}

/**
 * A chunk's memory: the bytes and the per-field arrays, each on its own ArrayBuffer so a chunk can
 * be transferred to a worker thread and back. Stores are recycled, so a long file reuses a few.
 */
export interface ChunkStore {
  buf: Buffer;
  starts: Int32Array<ArrayBufferLike>;
  ends: Int32Array<ArrayBufferLike>;
  escaped: Uint8Array<ArrayBufferLike>;
  rowOffsets: Int32Array<ArrayBufferLike>;
  lines: Int32Array<ArrayBufferLike>;
}

/** The chunk's fields as a plain object (what postMessage can clone). */
export function plainChunk(chunk: CsvChunk): CsvChunk {
  const { buf, ascii, rowCount, rowOffsets, starts, ends, escaped, lines, deferred, dialect } = chunk;
  return { buf, ascii, rowCount, rowOffsets, starts, ends, escaped, lines, ...(deferred ? { deferred } : {}), ...(dialect ? { dialect } : {}) };
}

/** The ArrayBuffers under a chunk, for a transfer list. */
export function chunkBuffers(chunk: CsvChunk): ArrayBuffer[] {
  return [chunk.buf, chunk.rowOffsets, chunk.starts, chunk.ends, chunk.escaped, chunk.lines].map((view) => view.buffer as ArrayBuffer);
}

/** A chunk that came through postMessage: its bytes arrive as a plain Uint8Array over the same memory. */
export function receivedChunk(chunk: Omit<CsvChunk, 'buf'> & { buf: Uint8Array }): CsvChunk {
  const { buf } = chunk;
  return { ...chunk, buf: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength) };
}

/** Rows [from, to) of a chunk as a chunk of its own memory (bytes and arrays copied). */
export function sliceChunk(chunk: CsvChunk, from: number, to: number): CsvChunk {
  const firstField = chunk.rowOffsets[from]!;
  const lastField = chunk.rowOffsets[to]!;
  const low = lastField > firstField ? chunk.starts[firstField]! : 0;
  const high = lastField > firstField ? chunk.ends[lastField - 1]! : 0;
  const rowOffsets = new Int32Array(to - from + 1);
  for (let r = from; r <= to; r++) rowOffsets[r - from] = chunk.rowOffsets[r]! - firstField;
  const starts = new Int32Array(lastField - firstField);
  const ends = new Int32Array(lastField - firstField);
  for (let f = firstField; f < lastField; f++) {
    starts[f - firstField] = chunk.starts[f]! - low;
    ends[f - firstField] = chunk.ends[f]! - low;
  }
  return {
    buf: Buffer.from(chunk.buf.subarray(low, high)),
    ascii: chunk.ascii,
    rowCount: to - from,
    rowOffsets,
    starts,
    ends,
    escaped: chunk.escaped.slice(firstField, lastField),
    lines: chunk.lines.slice(from, to),
    ...(chunk.dialect ? { dialect: chunk.dialect } : {}),
  };
}
