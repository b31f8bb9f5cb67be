import { open, type FileHandle } from 'node:fs/promises';
import { usageError } from '../errors.js';
import { cellAt, chunkRange, decodeColumnChunk, toParquetCell } from './parquet-columns.js';
import type { ReadOptions } from './source.js';
import type { Cell, ParquetColumn, RowBatch, Table } from './table-types.js';

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
  const tree = parquetSchema(metadata);
  const header = tree.children.map((child) => child.element.name);
  const dates = tree.children.map((child) => child.element.converted_type === 'DATE' || child.element.logical_type?.type === 'DATE');
  // Nested columns (lists, structs) are assembled by hyparquet's row reader, as one JSON cell each.
  const flat = tree.children.every((child) => child.children.length === 0);
  const batchRows = options.batchRows ?? 16384;
  let columnar = false;

  // Row group after row group, each column chunk is read into one buffer and decoded into the
  // previous row group's column storage, so memory stays that of one row group whatever the file's size.
  let handle: FileHandle | undefined;
  let chunkBytes = Buffer.alloc(0);
  let previous: ParquetColumn[] = [];
  const release = async () => {
    const open = handle;
    handle = undefined;
    previous = [];
    chunkBytes = Buffer.alloc(0);
    await open?.close();
  };
  async function readRange(start: number, end: number): Promise<Uint8Array> {
    handle ??= await open(path, 'r');
    if (chunkBytes.length < end - start) chunkBytes = Buffer.allocUnsafe(Math.max(end - start, chunkBytes.length * 2));
    let done = 0;
    while (done < end - start) {
      const { bytesRead } = await handle.read(chunkBytes, done, end - start - done, start + done);
      if (bytesRead === 0) throw new Error(`the file ends before byte ${end}`);
      done += bytesRead;
    }
    return chunkBytes.subarray(0, end - start);
  }

  async function readGroup(groupIndex: number, groupRows: number): Promise<ParquetColumn[]> {
    const group = metadata.row_groups[groupIndex]!;
    const columns: ParquetColumn[] = [];
    for (const [j, name] of header.entries()) {
      const chunk = group.columns.find((item) => item.meta_data?.path_in_schema[0] === name);
      if (!chunk) throw new Error(`row group ${groupIndex} has no column ${name}`);
      const { start, end } = chunkRange(chunk);
      columns.push(decodeColumnChunk(await readRange(start, end), chunk, tree, groupRows, previous[j]));
    }
    previous = columns;
    return columns;
  }

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
      let columns: ParquetColumn[] | undefined;
      let cells: Cell[][] | undefined;
      try {
        if (flat) columns = await readGroup(g, groupRows);
        else {
          cells = header.map(() => new Array<Cell>(groupRows));
          const objects = (await parquetReadObjects({ file, metadata, rowStart: groupStart, rowEnd: groupEnd })) as Record<string, unknown>[];
          objects.forEach((object, r) => header.forEach((name, j) => (cells![j]![r] = toParquetCell(object[name], dates[j]!))));
        }
      } catch (error) {
        throw usageError(`cannot read rows ${groupStart + 2}-${groupEnd + 1} of ${path}: ${(error as Error).message}`, { code: 'parquet-invalid', location: { file: path }, hint: 'The file may be truncated or use an unsupported encoding.', cause: error });
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
    useColumns: () => {
      columnar = flat;
      return flat;
    },
  };
}
