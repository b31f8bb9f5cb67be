import type { CsvChunk } from './csv-chunk.js';
import type { DataFormat } from './source.js';
import type { ParquetColumn } from './parquet-columns.js';

/**
 * One value. CSV cells are the raw strings as written (the validator casts them with the schema);
 * JSON Lines and Parquet cells are typed. See docs/validate-data.md for how the public column
 * readers map '' and absent cells to null.
 */
export type Cell = string | number | boolean | null;

export interface RowBatch {
  /** Frictionless row number of the batch's first row (the header is row 1, so the first data row is 2). */
  firstRowNumber: number;
  rowCount: number;
  /** JSON Lines and Parquet: one array per row, cells in file order; a row may be shorter or longer than the header. */
  rows?: Cell[][];
  /** CSV: the rows as byte ranges (see csv-chunk.ts); batchRows() in table.ts turns them into strings. */
  chunk?: CsvChunk;
  /** Parquet after Table.useColumns(): the row group's typed columns (one per header label); the batch is rows start to start + rowCount - 1 of them. */
  columns?: { columns: ParquetColumn[]; start: number };
  /** Physical line where each row starts (text formats); absent for Parquet. */
  lines?: ArrayLike<number>;
}

export interface Table {
  file: string;
  format: DataFormat;
  header: string[];
  /** Line of the header (text formats). */
  headerLine?: number;
  /** True when cells are raw strings to be cast (CSV). */
  textCells: boolean;
  batches: AsyncIterable<RowBatch>;
  /** Releases the file when the rows will not be read to the end. */
  close(): Promise<void>;
  /** CSV: lets a batch's chunk memory serve later batches once nothing reads it (optional; saves memory). */
  recycle?(chunk: CsvChunk): void;
  /** Parquet: asks for batches of typed columns instead of rows (call before reading); false when the file cannot give them (nested columns). */
  useColumns?(): boolean;
}
