import { usageError } from '../errors.js';
import type { ReadOptions } from './source.js';
import type { Cell, RowBatch, Table } from './table-types.js';

/**
 * A Parquet file as a table of typed cells: numbers, booleans and strings as stored (int64 as
 * number, DATE as an ISO date, bytes as base64), null as null. Each row group is decoded once,
 * column by column (hyparquet), then handed out in batches: reading a batch's row range from the
 * file instead re-decodes its row group's pages for every batch.
 */
export async function openParquet(path: string, options: ReadOptions): Promise<Table> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetReadObjects, parquetSchema } = await import('hyparquet');
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw usageError(`${path} is not a readable Parquet file: ${(error as Error).message}`, { code: 'parquet-invalid', location: { file: path }, hint: 'Check the file, or pass --format csv/jsonl if it is text.', cause: error });
  }
  const tree = parquetSchema(metadata);
  const header = tree.children.map((child) => child.element.name);
  const dates = tree.children.map((child) => child.element.converted_type === 'DATE' || child.element.logical_type?.type === 'DATE');
  // Nested columns (lists, structs) are assembled by hyparquet's row reader, as one JSON cell each.
  const flat = tree.children.every((child) => child.children.length === 0);
  const batchRows = options.batchRows ?? 16384;
  async function* batches(): AsyncGenerator<RowBatch> {
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      const groupEnd = groupStart + groupRows;
      const columns: Cell[][] = header.map(() => new Array<Cell>(groupRows));
      try {
        if (!flat) {
          const objects = (await parquetReadObjects({ file, metadata, rowStart: groupStart, rowEnd: groupEnd })) as Record<string, unknown>[];
          objects.forEach((object, r) => header.forEach((name, j) => (columns[j]![r] = toParquetCell(object[name], dates[j]!))));
        } else {
          await parquetRead({
            file,
            metadata,
            rowStart: groupStart,
            rowEnd: groupEnd,
            onChunk: ({ columnName, columnData, rowStart, rowEnd }) => {
              const j = header.indexOf(columnName);
              if (j === -1) return;
              const target = columns[j]!;
              const from = Math.max(rowStart, groupStart);
              const to = Math.min(rowEnd, groupEnd);
              for (let i = from; i < to; i++) target[i - groupStart] = toParquetCell(columnData[i - rowStart], dates[j]!);
            },
          });
        }
      } catch (error) {
        throw usageError(`cannot read rows ${groupStart + 2}-${groupEnd + 1} of ${path}: ${(error as Error).message}`, { code: 'parquet-invalid', location: { file: path }, hint: 'The file may be truncated or use an unsupported encoding.', cause: error });
      }
      for (let start = 0; start < groupRows; start += batchRows) {
        const end = Math.min(groupRows, start + batchRows);
        const rows: Cell[][] = new Array<Cell[]>(end - start);
        for (let r = start; r < end; r++) {
          const row = new Array<Cell>(header.length);
          for (let j = 0; j < header.length; j++) row[j] = columns[j]![r] ?? null;
          rows[r - start] = row;
        }
        yield { firstRowNumber: groupStart + start + 2, rowCount: rows.length, rows };
      }
      groupStart = groupEnd;
    }
  }
  return { file: path, format: 'parquet', header, textCells: false, batches: batches(), close: async () => {} };
}

function toParquetCell(value: unknown, date: boolean): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return date ? value.toISOString().slice(0, 10) : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? Number(inner) : inner));
}
