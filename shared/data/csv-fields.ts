import type { CsvChunk } from './csv-chunk.js';
import { decodeDialectField } from './csv-dialect.js';

const QUOTE = 34;

/** The field's text: unquoted and with doubled quotes collapsed when flagged. */
export function decodeField(chunk: CsvChunk, field: number): string {
  const start = chunk.starts[field]!;
  const end = chunk.ends[field]!;
  const buf = chunk.buf;
  if (chunk.escaped[field] === 0) return chunk.ascii ? (buf as FastBuffer).latin1Slice(start, end) : (buf as FastBuffer).utf8Slice(start, end);
  if (chunk.dialect) return decodeDialectField(chunk.dialect, buf, start, end);
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
