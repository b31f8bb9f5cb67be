import { usageError } from '../errors.js';
import type { CsvChunk } from './csv-chunk.js';
import { prepareSource, type PreparedSource } from './prepare.js';
import type { RowBatch, Table } from './table.js';
import type { ReadOptions } from './source.js';

/** A table read from one file or from the parts of a multi-file resource, with what reading it found. */
export interface ResourceTable extends Table {
  /** The text encoding used (absent for Parquet). */
  encoding?: string;
}

/**
 * Opens one data file, or the parts of a multi-file resource as one table: the header from the
 * first part, and each later part's first line skipped when the table has a header, rows numbered
 * on across the parts (frictionless-py's multipart loader). Zip archives and text in encodings
 * other than UTF-8 are prepared first (prepare.ts). Messages name the files as given. `names`:
 * the columns of CSV files read with dialect `header: false` (the schema's fields).
 */
export async function openResourceTable(paths: readonly string[], options: ReadOptions = {}, names?: string[]): Promise<ResourceTable> {
  if (paths.length === 0) throw new Error('openResourceTable needs at least one path');
  const prepared: PreparedSource[] = [];
  const openPart = async (index: number): Promise<Table> => {
    const source = await prepareSource(paths[index]!, options);
    prepared.push(source);
    try {
      return await source.open(names);
    } catch (error) {
      throw source.relocate(error);
    }
  };
  let first: Table;
  try {
    first = await openPart(0);
  } catch (error) {
    await Promise.all(prepared.map((source) => source.cleanup()));
    throw error;
  }
  const encoding = prepared[0]!.encoding;
  const cleanup = async () => {
    await Promise.all(prepared.map((source) => source.cleanup()));
  };
  if (paths.length === 1) {
    const relocate = prepared[0]!.relocate;
    return {
      ...first,
      file: paths[0]!,
      batches: relocated(first.batches, relocate),
      close: async () => {
        await first.close();
        await cleanup();
      },
      ...(encoding ? { encoding } : {}),
    };
  }
  if (!first.textCells) {
    await first.close();
    await cleanup();
    throw usageError(`${paths[0]} is part of a multi-file resource, which frictionless reads as concatenated CSV lines; only CSV parts can be joined`, {
      code: 'package-invalid',
      location: { file: paths[0]! },
      hint: 'Convert the parts to CSV, or describe each part as a resource of its own.',
    });
  }
  const owner = new WeakMap<CsvChunk, Table>();
  let current: Table = first;
  async function* batches(): AsyncGenerator<RowBatch> {
    let next = 2;
    try {
      for (let part = 0; part < paths.length; part++) {
        const table = part === 0 ? first : await openPart(part);
        current = table;
        const relocate = prepared[part]!.relocate;
        try {
          // The part's own header line was read as its header: with a header that is the line
          // frictionless skips; without one, the part's reader yields it as a row.
          for await (const batch of table.batches) {
            if (batch.chunk) owner.set(batch.chunk, table);
            const shifted = { ...batch, firstRowNumber: next };
            next += batch.rowCount;
            yield shifted;
          }
        } catch (error) {
          throw relocate(error);
        } finally {
          await table.close();
        }
      }
    } finally {
      await cleanup();
    }
  }
  return {
    ...first,
    file: paths[0]!,
    batches: batches(),
    close: async () => {
      await current.close();
      await cleanup();
    },
    recycle: (chunk) => owner.get(chunk)?.recycle?.(chunk),
    ...(encoding ? { encoding } : {}),
  };
}

async function* relocated(batches: AsyncIterable<RowBatch>, relocate: (error: unknown) => unknown): AsyncGenerator<RowBatch> {
  try {
    yield* batches;
  } catch (error) {
    throw relocate(error);
  }
}
