import { didYouMean } from '../text/did-you-mean.js';
import { usageError } from '../errors.js';
import { decodeField } from './csv-fields.js';
import { openTable, type Cell, type Table } from './table.js';
import type { ReadOptions } from './source.js';

export type { Cell, RowBatch, Table } from './table.js';
export type { DataFormat, ReadOptions } from './source.js';
export { openTable, batchRows } from './table.js';

/**
 * Column readers for the statistics and metrics steps.
 *
 * Cells: CSV cells are strings as written, except that an empty cell ('') and a cell absent from a
 * short row are null. JSON Lines and Parquet cells keep their types (numbers, booleans, strings;
 * int64 as number, dates as ISO strings); JSON null and absent keys are null.
 */

/** The column names, in file order. Throws usageError on an unreadable, empty or binary file. */
export async function readHeader(path: string, options: ReadOptions = {}): Promise<string[]> {
  const table = await openTable(path, options);
  await table.close();
  checkDuplicateHeader(table);
  return table.header;
}

/** Batches of the requested columns; memory stays bounded by the batch size. */
export async function* streamColumns(
  path: string,
  columns: string[],
  options: ReadOptions = {},
): AsyncIterable<{ firstRowNumber: number; columns: Record<string, Cell[]> }> {
  const table = await openTable(path, options);
  try {
    checkDuplicateHeader(table);
  } catch (error) {
    await table.close();
    throw error;
  }
  const indexes = columns.map((name) => {
    const index = table.header.indexOf(name);
    if (index === -1) {
      void table.close();
      throw usageError(`column '${name}' is not in ${path}`, {
        code: 'data-missing-column',
        location: { file: path, ...(table.headerLine ? { line: table.headerLine } : {}) },
        hint: `${didYouMean(name, table.header)} (columns: ${table.header.join(', ')})`,
      });
    }
    return index;
  });
  const text = table.textCells;
  for await (const batch of table.batches) {
    const out: Record<string, Cell[]> = {};
    const chunk = batch.chunk;
    for (let c = 0; c < columns.length; c++) {
      const index = indexes[c]!;
      const values: Cell[] = new Array<Cell>(batch.rowCount);
      for (let r = 0; r < batch.rowCount; r++) {
        if (chunk) {
          const field = chunk.rowOffsets[r]! + index;
          values[r] = field < chunk.rowOffsets[r + 1]! && (chunk.ends[field]! > chunk.starts[field]! || chunk.escaped[field]) ? decodeField(chunk, field) : null;
          if (values[r] === '') values[r] = null;
        } else {
          const value = batch.rows![r]![index];
          values[r] = value === undefined || (text && value === '') ? null : value;
        }
      }
      out[columns[c]!] = values;
    }
    yield { firstRowNumber: batch.firstRowNumber, columns: out };
  }
}

/** All values of the requested columns. Holds them in memory: prefer streamColumns for big files. */
export async function readColumns(path: string, columns: string[], options: ReadOptions = {}): Promise<Record<string, Cell[]>> {
  const out: Record<string, Cell[]> = Object.fromEntries(columns.map((name) => [name, [] as Cell[]]));
  for await (const batch of streamColumns(path, columns, options)) {
    for (const name of columns) {
      const target = out[name]!;
      for (const value of batch.columns[name]!) target.push(value);
    }
  }
  return out;
}

/** Duplicate names make a column ambiguous; refuse them with the line and the names. */
export function checkDuplicateHeader(table: Table): void {
  const seen = new Map<string, number>();
  table.header.forEach((name, index) => {
    const before = seen.get(name);
    if (before !== undefined) {
      throw usageError(`duplicate column name '${name}' in the header (columns ${before + 1} and ${index + 1})`, {
        code: 'data-duplicate-header',
        location: { file: table.file, line: table.headerLine ?? 1 },
        hint: 'Rename one of the columns so each name is unique.',
      });
    }
    seen.set(name, index);
  });
}
