import { usageError } from '../errors.js';
import { chunkRows } from './csv-fields.js';
import { openCsv } from './csv-table.js';
import { openParquet } from './parquet-table.js';
import type { Cell, RowBatch, Table } from './table-types.js';
import { countNewlines, resolveFormat, textChunks, type ReadOptions } from './source.js';

export type { Cell, RowBatch, Table } from './table-types.js';

/** The batch's rows as cell arrays (decoding CSV bytes when needed). */
export function batchRows(batch: RowBatch): Cell[][] {
  return batch.rows ?? chunkRows(batch.chunk!);
}

/**
 * Opens a table: reads the header now, and streams the rows when `batches` is iterated (once).
 * `names`: the column names of a CSV file read with dialect `header: false` (the schema's fields).
 */
export async function openTable(path: string, options: ReadOptions = {}, names?: string[]): Promise<Table> {
  const resolved = await resolveFormat(path, options);
  if (resolved.format === 'parquet') return openParquet(path, options);
  if (resolved.format === 'csv') return openCsv(path, resolved.gzip, resolved.delimiter, options, names);
  const rows = jsonlRows(path, resolved.gzip);
  const iterator = rows[Symbol.asyncIterator]();
  // The first batch holds the header (and maybe rows).
  let first: { rows: Cell[][]; lines?: number[] } | undefined;
  let keys: string[] | undefined;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    if (next.value.rows.length > 0) {
      first = next.value;
      break;
    }
  }
  if (!first || first.rows.length === 0) {
    throw usageError(`${path} is empty: no header and no rows`, { code: 'data-empty', location: { file: path, line: 1 }, hint: 'Check that the file was written completely.' });
  }
  const headerRow = first.rows[0]!;
  const headerLine = first.lines?.[0] ?? 1;
  let header: string[];
  let restRows: Cell[][];
  let restLines: number[] | undefined;
  if (resolved.format === 'jsonl' && isKeyedRow(headerRow)) {
    // Keyed JSON Lines: the first object's keys are the header; the header is a virtual row 1.
    keys = (headerRow[0] as unknown as KeyedRow).keys;
    header = keys;
    restRows = first.rows;
    restLines = first.lines;
  } else {
    header = headerRow.map((cell) => (cell === null ? '' : String(cell)));
    restRows = first.rows.slice(1);
    restLines = first.lines?.slice(1);
  }
  const headerKeys = keys;
  async function* batches(): AsyncGenerator<RowBatch> {
    let rowNumber = 2;
    const emit = (batch: { rows: Cell[][]; lines?: number[] }): RowBatch => {
      const rows = headerKeys ? batch.rows.map((row) => keyedToArray(row, headerKeys, path, batch, rowNumber)) : batch.rows;
      const out: RowBatch = { firstRowNumber: rowNumber, rowCount: rows.length, rows, ...(batch.lines ? { lines: batch.lines } : {}) };
      rowNumber += rows.length;
      return out;
    };
    try {
      if (restRows.length > 0) yield emit({ rows: restRows, ...(restLines ? { lines: restLines } : {}) });
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (next.value.rows.length > 0) yield emit(next.value);
      }
    } finally {
      await iterator.return?.(undefined);
    }
  }
  const close = async () => {
    await iterator.return?.(undefined);
  };
  return { file: path, format: resolved.format, header, headerLine, textCells: false, batches: batches(), close };
}

/** Marker for a JSON object row before the header is known. */
interface KeyedRow {
  keys: string[];
  object: Record<string, unknown>;
}

function isKeyedRow(row: Cell[]): boolean {
  return row.length === 1 && typeof row[0] === 'object' && row[0] !== null;
}

function keyedToArray(row: Cell[], keys: string[], path: string, batch: { lines?: number[]; rows: Cell[][] }, rowNumber: number): Cell[] {
  if (row.length === 0) return row; // blank line
  if (!isKeyedRow(row)) {
    const line = batch.lines?.[batch.rows.indexOf(row)];
    throw usageError(`row ${rowNumber} is not a JSON object, but the first row was`, { code: 'jsonl-mixed-rows', location: { file: path, ...(line ? { line } : {}) }, hint: 'Write every line as an object with the same keys.' });
  }
  const object = (row[0] as unknown as KeyedRow).object;
  return keys.map((key) => (key in object ? toCell(object[key]) : null));
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? Number(inner) : inner));
}

async function* jsonlRows(path: string, gzip: boolean): AsyncGenerator<{ rows: Cell[][]; lines: number[] }> {
  let pending = '';
  let line = 1;
  const lineOfByte = (chunk: Buffer, offset: number) => line + countNewlines(Buffer.from(pending), pending.length) + countNewlines(chunk, offset);
  const parseLines = (text: string, final: boolean) => {
    const rows: Cell[][] = [];
    const lines: number[] = [];
    let start = 0;
    for (;;) {
      let end = text.indexOf('\n', start);
      if (end === -1) {
        if (!final || start >= text.length) break;
        end = text.length;
      }
      const raw = text.slice(start, end).replace(/\r$/, '');
      if (raw.trim() === '') rows.push([]);
      else {
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch (error) {
          throw usageError(`invalid JSON on line ${line}: ${(error as Error).message}`, { code: 'jsonl-syntax', location: { file: path, line }, hint: 'Each line of a JSON Lines file must be one complete JSON value.' });
        }
        if (Array.isArray(value)) rows.push(value.map(toCell));
        else if (value && typeof value === 'object') rows.push([{ keys: Object.keys(value), object: value as Record<string, unknown> } as unknown as Cell]);
        else throw usageError(`line ${line} is not a JSON object or array`, { code: 'jsonl-not-row', location: { file: path, line }, hint: 'Write one object per line, e.g. {"id": 1, "name": "a"}.' });
      }
      lines.push(line);
      line++;
      start = end + 1;
      if (start > text.length) break;
    }
    pending = text.slice(Math.min(start, text.length));
    return { rows, lines };
  };
  for await (const text of textChunks(path, gzip, lineOfByte)) {
    const batch = parseLines(pending + text, false);
    if (batch.rows.length > 0) yield batch;
  }
  const last = parseLines(pending, true);
  if (last.rows.length > 0) yield last;
}
