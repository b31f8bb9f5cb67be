import { open, type FileHandle } from 'node:fs/promises';
import type { FileMetaData, SchemaTree } from 'hyparquet/src/types.js';
import { chunkRange, decodeColumnChunk } from './parquet-columns.js';
import type { ParquetColumn } from './table-types.js';

/** A row group's columns, one per header label; undefined where a column was not asked for. */
export type GroupColumns = (ParquetColumn | undefined)[];

/**
 * Decodes a flat Parquet file's row groups, column chunk by column chunk: each chunk is read
 * into one reused buffer and decoded into the storage of the column's previous decode, so
 * memory stays that of one row group.
 */
export class RowGroupReader {
  private handle: FileHandle | undefined;
  private chunkBytes = Buffer.alloc(0);
  private spare: (ParquetColumn | undefined)[] = [];
  private readonly header: string[];

  constructor(
    private readonly path: string,
    private readonly metadata: FileMetaData,
    private readonly tree: SchemaTree,
  ) {
    this.header = tree.children.map((child) => child.element.name);
  }

  /**
   * Row group g's columns where `wanted` is true (every column when absent). The storage of a
   * column's previous decode is overwritten: the caller is done with it.
   */
  async read(g: number, wanted?: readonly boolean[]): Promise<GroupColumns> {
    const group = this.metadata.row_groups[g]!;
    const rows = Number(group.num_rows);
    const columns: GroupColumns = new Array<ParquetColumn | undefined>(this.header.length).fill(undefined);
    for (const [j, name] of this.header.entries()) {
      if (wanted !== undefined && !wanted[j]) continue;
      const chunk = group.columns.find((item) => item.meta_data?.path_in_schema[0] === name);
      if (!chunk) throw new Error(`row group ${g} has no column ${name}`);
      const { start, end } = chunkRange(chunk);
      const column = decodeColumnChunk(await this.readRange(start, end), chunk, this.tree, rows, this.spare[j]);
      columns[j] = column;
      this.spare[j] = column;
    }
    return columns;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.spare = [];
    this.chunkBytes = Buffer.alloc(0);
    await handle?.close();
  }

  private async readRange(start: number, end: number): Promise<Uint8Array> {
    this.handle ??= await open(this.path, 'r');
    const length = end - start;
    if (this.chunkBytes.length < length) this.chunkBytes = Buffer.allocUnsafe(Math.max(length, this.chunkBytes.length * 2));
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(this.chunkBytes, done, length - done, start + done);
      if (bytesRead === 0) throw new Error(`the file ends before byte ${end}`);
      done += bytesRead;
    }
    return this.chunkBytes.subarray(0, length);
  }
}
