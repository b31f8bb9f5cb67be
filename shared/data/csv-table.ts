import { usageError } from '../errors.js';
import { CsvByteParser, parseDeferred } from './csv-bytes.js';
import { sliceChunk, type CsvChunk } from './csv-chunk.js';
import { resolveDialect } from './csv-dialect.js';
import { decodeField } from './csv-fields.js';
import { byteChunks, DEFAULT_MAX_FIELD_SIZE, type ReadOptions } from './source.js';
import type { RowBatch, Table } from './table-types.js';

/**
 * A CSV file as a table under its dialect. Rows are numbered as frictionless-py numbers them:
 * every record of the file counts from 1 (header rows and comment rows included), so the first
 * data row after a one-row header is row 2, and with `header: false` it is row 1.
 * `names`: the columns of a file without a header row (else field1, field2, ... as Frictionless names them).
 */
export async function openCsv(path: string, gzip: boolean, delimiter: string, options: ReadOptions, names?: string[]): Promise<Table> {
  const dialect = resolveDialect(path, options.dialect);
  const parser = new CsvByteParser(path, delimiter, options.maxFieldSize ?? DEFAULT_MAX_FIELD_SIZE, dialect.bytes);
  // Comment rows are found on parsed cells, so every chunk is parsed here.
  const defer = options.deferParsing === true && dialect.comment === undefined;
  async function* chunks(): AsyncGenerator<CsvChunk> {
    // The parser copies each piece, so the reader may reuse its buffers.
    for await (const bytes of byteChunks(path, gzip, true)) {
      const chunk = parser.push(bytes, false, defer);
      if (chunk) yield chunk;
    }
    const last = parser.push(Buffer.alloc(0), true, defer);
    if (last) yield last;
  }
  const iterator = chunks();
  // Without headerRows the header is the first row that is not a comment (row 1 of most files),
  // as frictionless-py finds it; its number is known once that row is read.
  const named = dialect.headerRows;
  let lastHeaderRow = !dialect.header ? 0 : named ? named.at(-1)! : dialect.comment === undefined ? 1 : Infinity;
  const headerRows = new Set(!dialect.header ? [] : (named ?? (dialect.comment === undefined ? [1] : [])));
  const labelRows: string[][] = [];
  let headerLine: number | undefined;
  let record = 0;

  /** The chunk's data rows as batches: runs of rows between header and comment rows. */
  const split = (given: CsvChunk): RowBatch[] => {
    if (dialect.comment === undefined && record >= lastHeaderRow) {
      const firstRowNumber = record + 1;
      record += given.rowCount;
      return [{ firstRowNumber, rowCount: given.rowCount, chunk: given, lines: given.lines }];
    }
    const chunk = given.deferred ? parseDeferred(given) : given;
    const runs: { from: number; to: number; firstRowNumber: number }[] = [];
    let open: { from: number; to: number; firstRowNumber: number } | undefined;
    for (let r = 0; r < chunk.rowCount; r++) {
      record++;
      const comment = isComment(chunk, r);
      if (lastHeaderRow === Infinity && !comment) {
        lastHeaderRow = record;
        headerRows.add(record);
      }
      const data = record > lastHeaderRow && !comment;
      if (!data) {
        open = undefined;
        if (record <= lastHeaderRow && headerRows.has(record) && !comment) {
          const cells: string[] = [];
          for (let f = chunk.rowOffsets[r]!; f < chunk.rowOffsets[r + 1]!; f++) cells.push(decodeField(chunk, f));
          labelRows.push(cells);
          headerLine ??= chunk.lines[r]!;
        }
        continue;
      }
      if (open) open.to = r + 1;
      else runs.push((open = { from: r, to: r + 1, firstRowNumber: record }));
    }
    // The first run may share the chunk's memory; later ones get their own, so each batch can be
    // handed to a worker thread (transferred) and recycled on its own.
    return runs.map((run, i) => {
      const part = i === 0 ? viewRows(chunk, run.from, run.to) : sliceChunk(chunk, run.from, run.to);
      return { firstRowNumber: run.firstRowNumber, rowCount: part.rowCount, chunk: part, lines: part.lines };
    });
  };
  const isComment = (chunk: CsvChunk, r: number): boolean => {
    const comment = dialect.comment;
    if (comment === undefined) return false;
    const f = chunk.rowOffsets[r]!;
    return f < chunk.rowOffsets[r + 1]! && decodeField(chunk, f).startsWith(comment);
  };

  // Read until the header is complete (and the first data rows are in hand).
  const pending: RowBatch[] = [];
  let done = false;
  while (pending.length === 0 || record < lastHeaderRow) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    pending.push(...split(next.value));
  }
  if (record === 0) {
    throw usageError(`${path} is empty: no header and no rows`, { code: 'data-empty', location: { file: path, line: 1 }, hint: 'Check that the file was written completely.' });
  }
  let header: string[];
  if (dialect.header) header = labelRows.length <= 1 ? (labelRows[0] ?? []) : joinLabels(labelRows, dialect.headerJoin);
  else {
    const first = pending[0];
    const width = first ? first.chunk!.rowOffsets[1]! - first.chunk!.rowOffsets[0]! : 0;
    header = names ?? Array.from({ length: width }, (_, i) => `field${i + 1}`);
  }
  async function* batches(): AsyncGenerator<RowBatch> {
    try {
      for (const batch of pending.splice(0)) if (batch.rowCount > 0) yield batch;
      while (!done) {
        const next = await iterator.next();
        if (next.done) break;
        for (const batch of split(next.value)) if (batch.rowCount > 0) yield batch;
      }
    } finally {
      await iterator.return(undefined);
    }
  }
  const close = async () => {
    await iterator.return(undefined);
  };
  return { file: path, format: 'csv', header, ...(headerLine === undefined ? {} : { headerLine }), textCells: true, batches: batches(), close, recycle: (chunk) => parser.recycle(chunk) };
}

/** Rows [from, to) of a chunk, over the same memory. */
function viewRows(chunk: CsvChunk, from: number, to: number): CsvChunk {
  if (from === 0 && to === chunk.rowCount) return chunk;
  return { ...chunk, rowCount: to - from, rowOffsets: chunk.rowOffsets.subarray(from, to + 1), lines: chunk.lines.subarray(from, to) };
}

/** Header rows joined as frictionless-py joins them: per column, a cell equal to the one above it is not repeated. */
function joinLabels(rows: string[][], join: string): string[] {
  const labels: string[] = [];
  const previous = new Map<number, string>();
  for (const row of rows) {
    row.forEach((raw, index) => {
      const cell = raw.trim();
      if (previous.get(index) === cell) return;
      previous.set(index, cell);
      if (labels.length <= index) labels.push(cell);
      else labels[index] = `${labels[index]}${join}${cell}`;
    });
  }
  return labels;
}
