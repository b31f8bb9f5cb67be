import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { usageError } from '../errors.js';
import { DigestWhileReading } from '../files/digest.js';

export type DataFormat = 'csv' | 'jsonl' | 'parquet';

export interface ReadOptions {
  /** Detected from the extension (`.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.parquet`, each optionally `.gz`) when absent. */
  format?: DataFormat;
  /** CSV only; default `,` (`\t` for `.tsv`). */
  delimiter?: string;
  /** CSV only: the longest row, in characters, before the file is called broken. Default 1 MiB. */
  maxFieldSize?: number;
  /** Rows per batch yielded by the streaming readers. Default 16384 (CSV/JSONL: per chunk). */
  batchRows?: number;
  /**
   * CSV only: chunks without quotes or CRs may come unparsed (`chunk.deferred`), for a consumer
   * that parses them elsewhere with parseDeferred (validate-data's worker threads).
   */
  deferParsing?: boolean;
  /** CSV only: the Frictionless Table Dialect beyond the delimiter. */
  dialect?: CsvDialect;
  /**
   * Text encoding (`utf-8`, `utf-16`, `latin-1`, `cp1252`, ...); absent: UTF-8, or the common
   * 8-bit encodings detected. The encoding used is reported in the result.
   */
  encoding?: string;
}

/** Frictionless Table Dialect (CSV) options; absent ones take Frictionless's defaults. */
export interface CsvDialect {
  /** Default `"`. */
  quoteChar?: string;
  /** `""` inside a quoted field is one quote. Default true. */
  doubleQuote?: boolean;
  /** A character that escapes the next one (no default). */
  escapeChar?: string;
  /** Spaces after a delimiter are dropped. Default false. */
  skipInitialSpace?: boolean;
  /** Lines starting with this are skipped. */
  commentChar?: string;
  /** False: the file has no header row; columns are named from the schema (else field1, field2, ...). Default true. */
  header?: boolean;
  /** The 1-based rows that make up the header, joined with `headerJoin`. Default [1]. */
  headerRows?: number[];
  /** Default ' '. */
  headerJoin?: string;
}

export const DEFAULT_MAX_FIELD_SIZE = 1 << 20;
const CHUNK_BYTES = 1 << 20;

export interface ResolvedFormat {
  format: DataFormat;
  gzip: boolean;
  delimiter: string;
}

export async function resolveFormat(path: string, options: ReadOptions = {}): Promise<ResolvedFormat> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(code === 'ENOENT' ? `data file not found: ${path}` : `cannot read data file ${path}: ${code ?? String(error)}`, {
      code: 'data-unreadable',
      location: { file: path },
      hint: 'Check the path; relative paths resolve against the working directory.',
      cause: error,
    });
  }
  if (info.isDirectory()) {
    throw usageError(`${path} is a directory, not a data file`, { code: 'data-unreadable', location: { file: path }, hint: 'Pass one CSV, JSON Lines or Parquet file.' });
  }
  const lower = path.toLowerCase();
  const head = await readHead(path, 4);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const base = lower.endsWith('.gz') ? lower.slice(0, -3) : lower;
  let format = options.format;
  if (!format) {
    if (base.endsWith('.parquet') || base.endsWith('.pq')) format = 'parquet';
    else if (base.endsWith('.jsonl') || base.endsWith('.ndjson')) format = 'jsonl';
    else if (head.length === 4 && head.toString('latin1') === 'PAR1') format = 'parquet';
    else format = 'csv';
  }
  const delimiter = options.delimiter ?? (base.endsWith('.tsv') || base.endsWith('.tab') ? '\t' : ',');
  return { format, gzip: format !== 'parquet' && gzip, delimiter: unescapeDelimiter(delimiter) };
}

function unescapeDelimiter(delimiter: string): string {
  if (delimiter === '\\t' || delimiter.toLowerCase() === 'tab') return '\t';
  return delimiter;
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Decoded text chunks of a (possibly gzipped) file, checked for UTF-8 and binary content.
 * `onInvalid(offsetInChunk, chunk)` lets the caller say which line the bad byte is on.
 */
export async function* textChunks(
  path: string,
  gzip: boolean,
  lineOfByte: (chunk: Buffer, offset: number) => number,
): AsyncGenerator<string> {
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  if (gzip) raw.on('error', (error) => stream.destroy(error));
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  try {
    for await (const piece of stream) {
      const chunk = piece as Buffer;
      if (first) {
        first = false;
        const nul = chunk.subarray(0, 8192).indexOf(0);
        if (nul !== -1) {
          throw usageError(`${path} looks like a binary file (a NUL byte at offset ${nul}), not text`, {
            code: 'data-binary',
            location: { file: path, line: lineOfByte(chunk, nul) },
            hint: 'Pass a CSV or JSON Lines text file, or set --format parquet for Parquet files.',
          });
        }
      }
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        const offset = firstInvalidUtf8(chunk);
        throw usageError(`invalid UTF-8 at line ${lineOfByte(chunk, offset)}`, {
          code: 'data-invalid-utf8',
          location: { file: path, line: lineOfByte(chunk, offset) },
          hint: 'Save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).',
        });
      }
      yield text;
    }
    let tail: string;
    try {
      tail = decoder.decode();
    } catch {
      throw usageError('invalid UTF-8: the file ends inside a multi-byte character', { code: 'data-invalid-utf8', location: { file: path }, hint: 'Save the file as UTF-8.' });
    }
    if (tail) yield tail;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
      throw usageError(`${path} is not a valid gzip file: ${(error as Error).message}`, { code: 'data-gzip', location: { file: path }, hint: 'Re-compress the file or pass it uncompressed.', cause: error });
    }
    throw error;
  } finally {
    raw.destroy();
    stream.destroy();
  }
}

/**
 * Raw byte chunks of a (possibly gzipped) file. `reuse`: the consumer is done with a chunk when
 * it asks for the next, so a plain file is read into two buffers in turn (one filling while the
 * other is parsed) instead of a new buffer per chunk.
 */
export async function* byteChunks(path: string, gzip: boolean, reuse = false): AsyncGenerator<Buffer> {
  if (reuse && !gzip) {
    yield* reusedChunks(path);
    return;
  }
  const raw = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  if (gzip) raw.on('error', (error) => stream.destroy(error));
  try {
    for await (const piece of stream) yield piece as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw usageError(`${path} is not a valid gzip file: ${(error as Error).message}`, { code: 'data-gzip', location: { file: path }, hint: 'Re-compress the file or pass it uncompressed.', cause: error });
    }
    throw error;
  } finally {
    raw.destroy();
    stream.destroy();
  }
}

async function* reusedChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  const buffers = [Buffer.allocUnsafeSlow(CHUNK_BYTES), Buffer.allocUnsafeSlow(CHUNK_BYTES)];
  let turn = 0;
  let reading = handle.read(buffers[0]!, 0, CHUNK_BYTES, null);
  // The evidence records this file's digest: take it from the bytes read here.
  const digest = new DigestWhileReading(path, await handle.stat());
  try {
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) {
        digest.finish(await handle.stat());
        return;
      }
      const ready = buffers[turn]!.subarray(0, bytesRead);
      digest.update(ready);
      turn ^= 1;
      reading = handle.read(buffers[turn]!, 0, CHUNK_BYTES, null);
      yield ready;
    }
  } finally {
    // Stopped early: let the read in flight finish (or fail) before closing.
    await reading.catch(() => undefined);
    await handle.close();
  }
}

/** Offset of the first byte that breaks UTF-8 (the chunk may end mid-character; that is fine). */
export function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  const n = bytes.length;
  // The tail of a character split across the previous chunk's end.
  while (i < 3 && i < n && (bytes[i]! & 0xc0) === 0x80) i++;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

export function countNewlines(bytes: Buffer, end: number): number {
  let count = 0;
  let at = bytes.indexOf(10);
  while (at !== -1 && at < end) {
    count++;
    at = bytes.indexOf(10, at + 1);
  }
  return count;
}
