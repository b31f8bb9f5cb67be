import type { CsvChunk } from '../data/csv-chunk.js';
import type { ErrorKind, ModelciErrorOptions } from '../errors.js';

/** One data error, shaped like a flattened frictionless-py error. */
export interface DataError {
  code: string;
  message: string;
  /** Frictionless row number: the header is row 1. Absent for header (label) errors. */
  rowNumber?: number;
  fieldName?: string;
  /** 1-based position of the cell in the row. */
  fieldNumber?: number;
  /** The cell as written, cut at 200 characters. */
  cell?: string;
  note?: string;
  /** Physical line in the data file where the row starts (text formats). */
  line?: number;
}

/** A `mostly` constraint's running counts for one field. */
export interface MostlyState {
  failed: number;
  nonNull: number;
  errors: DataError[];
  counts: Record<string, number>;
}

/** What the cell checks of one CSV chunk found: on this thread or sent back by a worker. */
export interface CellResult {
  errors: DataError[];
  /** 1 where the row is completely blank. */
  blank: Uint8Array;
  nulls: Float64Array;
  mostly: MostlyState[];
  /** The chunk, parsed if it came deferred; a worker sends it back (transferred both ways). */
  chunk?: CsvChunk;
  /** Rows screened clean column by column (column-kernels.ts), skipping the row checks. */
  screened: number;
  /** A worker's bad-input error (an unparsable chunk), rethrown on the main thread. */
  failure?: { kind: ErrorKind; message: string; options: ModelciErrorOptions };
}
