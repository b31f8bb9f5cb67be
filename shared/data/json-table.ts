import { usageError } from '../errors.js';
import { countNewlines, textChunks } from './source.js';
import type { Cell, RowBatch, Table } from './table.js';

const BATCH_ROWS = 16384;

/**
 * A `.json` data file as frictionless-py reads one: a top-level array whose items are either
 * arrays (the first is the header) or objects (the first object's keys are the header, and each
 * row takes those keys' values). Items are parsed one at a time, so memory follows the largest
 * row, not the file.
 */
export async function openJsonTable(path: string, gzip: boolean): Promise<Table> {
  const items = jsonArrayItems(path, gzip);
  const iterator = items[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) {
    await iterator.return?.(undefined);
    throw usageError(`${path} is empty: its array has no header and no rows`, { code: 'data-empty', location: { file: path, line: 1 }, hint: 'Write the header first ([["id", "name"], [1, "a"]]) or an array of objects.' });
  }
  const head = first.value;
  const keyed = isRecord(head.value);
  if (!keyed && !Array.isArray(head.value)) throw notRow(path, head.line);
  const header = keyed ? Object.keys(head.value as Record<string, unknown>) : (head.value as unknown[]).map((cell) => (cell === null ? '' : String(cell as string)));
  const toRow = (item: { value: unknown; line: number }): Cell[] => {
    if (keyed) {
      if (!isRecord(item.value)) throw usageError(`the item at line ${item.line} is not a JSON object, but the first item was`, { code: 'jsonl-mixed-rows', location: { file: path, line: item.line }, hint: 'Write every item as an object, or every item as an array.' });
      const object = item.value;
      return header.map((key) => toCell(object[key]));
    }
    if (!Array.isArray(item.value)) throw usageError(`the item at line ${item.line} is not a JSON array, but the header was`, { code: 'jsonl-mixed-rows', location: { file: path, line: item.line }, hint: 'Write every row as an array of cells.' });
    return item.value.map(toCell);
  };
  async function* batches(): AsyncGenerator<RowBatch> {
    let rowNumber = 2;
    let rows: Cell[][] = [];
    let lines: number[] = [];
    const flush = (): RowBatch => {
      const batch: RowBatch = { firstRowNumber: rowNumber, rowCount: rows.length, rows, lines };
      rowNumber += rows.length;
      rows = [];
      lines = [];
      return batch;
    };
    try {
      if (keyed) {
        rows.push(toRow(head));
        lines.push(head.line);
      }
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        rows.push(toRow(next.value));
        lines.push(next.value.line);
        if (rows.length >= BATCH_ROWS) yield flush();
      }
      if (rows.length > 0) yield flush();
    } finally {
      await iterator.return?.(undefined);
    }
  }
  return {
    file: path,
    format: 'jsonl',
    header,
    headerLine: head.line,
    textCells: false,
    batches: batches(),
    close: async () => {
      await iterator.return?.(undefined);
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notRow(path: string, line: number): Error {
  return usageError(`the first item of ${path} (line ${line}) is neither an array nor an object`, { code: 'jsonl-not-row', location: { file: path, line }, hint: 'A JSON data file is an array of rows: arrays (header first) or objects.' });
}

function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/**
 * The items of a top-level JSON array, each parsed on its own, with the line it starts on.
 * A scanner tracks strings and nesting to find where each item ends.
 */
export async function* jsonArrayItems(path: string, gzip: boolean): AsyncGenerator<{ value: unknown; line: number }> {
  let line = 1;
  let state: 'before' | 'items' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let item = '';
  let itemLine = 1;
  let scalar = false;
  const fail = (message: string, at: number): never => {
    throw usageError(`invalid JSON data at line ${at}: ${message}`, { code: 'jsonl-syntax', location: { file: path, line: at }, hint: 'A JSON data file is one array: [["id", "name"], [1, "a"]] or [{"id": 1, "name": "a"}].' });
  };
  const parse = (): unknown => {
    try {
      return JSON.parse(item) as unknown;
    } catch (error) {
      return fail((error as Error).message, itemLine);
    }
  };
  const lineOfByte = (chunk: Buffer, offset: number) => line + countNewlines(chunk, offset);
  for await (const text of textChunks(path, gzip, lineOfByte)) {
    // Where the current item's text starts in this chunk (0: it began in an earlier one).
    let start = depth > 0 || scalar ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      if (state === 'before') {
        if (c === 0x5b) state = 'items';
        else if (c === 0xfeff || c === 32 || c === 9 || c === 10 || c === 13) continue;
        else fail('the file does not start with an array', line);
        continue;
      }
      if (state === 'after') {
        if (c !== 32 && c !== 9 && c !== 10 && c !== 13) fail('text after the closing bracket', line);
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
        continue;
      }
      const inItem = depth > 0 || scalar;
      if (!inItem) {
        if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0x2c) continue;
        if (c === 0x5d) {
          state = 'after';
          continue;
        }
        start = i;
        itemLine = line;
        item = '';
        if (c === 0x5b || c === 0x7b) depth = 1;
        else if (c === 0x22) {
          inString = true;
          scalar = true;
        } else scalar = true;
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) {
        if (depth === 0) {
          // The closing bracket of the array ends a scalar item.
          item += text.slice(start, i);
          scalar = false;
          yield { value: parse(), line: itemLine };
          start = -1;
          state = 'after';
          continue;
        }
        depth--;
        if (depth === 0) {
          item += text.slice(start, i + 1);
          start = -1;
          yield { value: parse(), line: itemLine };
        }
      } else if (c === 0x2c && scalar && depth === 0) {
        item += text.slice(start, i);
        scalar = false;
        start = -1;
        yield { value: parse(), line: itemLine };
      }
    }
    if (start !== -1) item += text.slice(start);
  }
  if (state !== 'after') fail(state === 'before' ? 'the file holds no array' : 'the array is not closed', line);
}
