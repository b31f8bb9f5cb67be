import { usageError } from '../errors.js';
import { digestAhead } from '../files/digest.js';
import { cellAt, toParquetCell } from './parquet-columns.js';
import { RowGroupReader, type GroupColumns } from './parquet-row-groups.js';
import type { ReadOptions } from './source.js';
import type { Cell, RowBatch, Table } from './table-types.js';

/**
 * A Parquet file as a table of typed cells: numbers, booleans and strings as stored (int64 as
 * number, DATE as an ISO date, bytes as base64), null as null. Each row group is decoded once,
 * column by column (parquet-columns.ts for flat files, hyparquet's row reader for nested ones),
 * then handed out in batches: as rows, or after useColumns() as the typed columns themselves.
 */
export async function openParquet(path: string, options: ReadOptions): Promise<Table> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } = await import('hyparquet');
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw usageError(`${path} is not a readable Parquet file: ${(error as Error).message}`, { code: 'parquet-invalid', location: { file: path }, hint: 'Check the file, or pass --format csv/jsonl if it is text.', cause: error });
  }
  // Read row group by row group, never byte after byte: the evidence's digest is worked out beside it.
  digestAhead(path);
  const tree = parquetSchema(metadata);
  const header = tree.children.map((child) => child.element.name);
  const dates = tree.children.map((child) => child.element.converted_type === 'DATE' || child.element.logical_type?.type === 'DATE');
  // Nested columns (lists, structs) are assembled by hyparquet's row reader, as one JSON cell each.
  const flat = tree.children.every((child) => child.children.length === 0);
  const batchRows = options.batchRows ?? 16384;
  let columnar = false;
  let wanted: boolean[] | undefined;
  let reader: RowGroupReader | undefined;
  let current: { group: number; columns: GroupColumns } | undefined;
  const firstRows: number[] = [];
  metadata.row_groups.reduce((start, group) => (firstRows.push(start), start + Number(group.num_rows)), 0);
  const unreadable = (g: number, error: unknown) => {
    const first = firstRows[g]! + 2;
    const last = first + Number(metadata.row_groups[g]!.num_rows) - 1;
    return usageError(`cannot read rows ${first}-${last} of ${path}: ${(error as Error).message}`, { code: 'parquet-invalid', location: { file: path }, hint: 'The file may be truncated or use an unsupported encoding.', cause: error });
  };
  const release = async () => {
    const open = reader;
    reader = undefined;
    current = undefined;
    await open?.close();
  };

  async function* batches(): AsyncGenerator<RowBatch> {
    try {
      yield* groups();
    } finally {
      await release();
    }
  }

  async function* groups(): AsyncGenerator<RowBatch> {
    let groupStart = 0;
    for (let g = 0; g < metadata.row_groups.length; g++) {
      const groupRows = Number(metadata.row_groups[g]!.num_rows);
      const groupEnd = groupStart + groupRows;
      let columns: GroupColumns | undefined;
      let cells: Cell[][] | undefined;
      try {
        if (flat) {
          reader ??= new RowGroupReader(path, metadata, tree);
          columns = await reader.read(g, columnar ? wanted : undefined);
          current = { group: g, columns };
        } else {
          cells = header.map(() => new Array<Cell>(groupRows));
          const objects = (await parquetReadObjects({ file, metadata, rowStart: groupStart, rowEnd: groupEnd })) as Record<string, unknown>[];
          objects.forEach((object, r) => header.forEach((name, j) => (cells![j]![r] = toParquetCell(object[name], dates[j]!))));
        }
      } catch (error) {
        throw unreadable(g, error);
      }
      for (let start = 0; start < groupRows; start += batchRows) {
        const end = Math.min(groupRows, start + batchRows);
        if (columnar && columns) {
          yield { firstRowNumber: groupStart + start + 2, rowCount: end - start, columns: { columns, start } };
          continue;
        }
        const rows: Cell[][] = new Array<Cell[]>(end - start);
        for (let r = start; r < end; r++) {
          const row = new Array<Cell>(header.length);
          for (let j = 0; j < header.length; j++) row[j] = columns ? cellAt(columns[j]!, r) : (cells![j]![r] ?? null);
          rows[r - start] = row;
        }
        yield { firstRowNumber: groupStart + start + 2, rowCount: rows.length, rows };
      }
      groupStart = groupEnd;
    }
  }
  return {
    file: path,
    format: 'parquet',
    header,
    textCells: false,
    batches: batches(),
    close: release,
    useColumns: (only) => {
      columnar = flat;
      wanted = only === undefined ? undefined : [...only];
      return flat;
    },
    readSkippedColumns: async () => {
      if (current === undefined || reader === undefined) return;
      const { group, columns } = current;
      try {
        const more = await reader.read(group, columns.map((column) => column === undefined));
        more.forEach((column, j) => {
          if (column !== undefined) columns[j] = column;
        });
      } catch (error) {
        throw unreadable(group, error);
      }
    },
  };
}
