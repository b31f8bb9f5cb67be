import type { CsvChunk } from './csv-chunk.js';
import type { DataFormat } from './source.js';

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
  /** Parquet after Table.useColumns(): the row group's typed columns (one per header label); the batch is rows start to start + rowCount - 1 of them. Their storage is overwritten by the next row group. */
  columns?: { columns: (ParquetColumn | undefined)[]; start: number };
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
  /**
   * Parquet: asks for batches of typed columns instead of rows (call before reading); false when
   * the file cannot give them (nested columns). With `wanted`, only those columns are decoded:
   * the others are undefined in the batches until readSkippedColumns() reads them.
   */
  useColumns?(wanted?: readonly boolean[]): boolean;
  /** Parquet: decodes the columns left out by useColumns(wanted) for the row group of the batch just read. */
  readSkippedColumns?(): Promise<void>;
}

/**
 * One flat column of one row group, decoded page by page with hyparquet's page readers into
 * typed storage: numbers, booleans (1/0) and dates (days since 1970) in a Float64Array, other
 * values as cells, dictionary pages kept as codes into their dictionary (so a check of a
 * dictionary value runs once per distinct value). hyparquet's own column reader assembles
 * every optional column value by value into an array (its list assembly) and dereferences
 * dictionaries, which is most of its time on flat files; this reader does neither.
 */
export interface ParquetColumn {
  kind: 'number' | 'boolean' | 'date' | 'cells';
  rows: number;
  /** 1 where the value is present. */
  valid: Uint8Array;
  /** number, boolean, date. */
  num?: Float64Array;
  /** number, date: the column chunk's dictionary (storage reused by the next row group's). */
  dictNum?: Float64Array;
  /** cells: the dictionary index per row, -1 where the value is in `other`, -2 where it is bytes of `text` (spans). */
  codes?: Int32Array;
  /** cells: the dictionary of the column chunk, as cells; of a UTF-8 string column (text), made entry by entry when a cell is asked for. */
  dict?: (Cell | undefined)[];
  /** Changes with every dictionary read into the column (its storage is reused). */
  dictId?: number;
  other?: Cell[];
  /** UTF-8 string column: the bytes of its dictionary and plain values, so that no string is made until a cell is asked for. */
  text?: Buffer;
  /** Dictionary entry k is text[dictSpans[2k], dictSpans[2k + 1]). */
  dictSpans?: Int32Array;
  /** Where codes[r] is -2, the value is text[spans[2r], spans[2r + 1]). */
  spans?: Int32Array;
  /** No row of the chunk is null. */
  nullFree: boolean;
  /** Every value of the chunk came through its dictionary (dict; dictNum's first dictCount entries). */
  dictionaryOnly: boolean;
  /** number, date: the entries of dictNum that are the chunk's dictionary (its storage may be longer). */
  dictCount: number;
  /** number: stored as INT32 or INT64, so every value is an integer. */
  integral: boolean;
}
