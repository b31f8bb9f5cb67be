import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

export interface ZipEntry {
  /** Forward slashes, relative; a directory ends with `/`. */
  name: string;
  /** The file to read; absent for a directory. */
  source?: string;
}

// 1980-01-01 00:00, the earliest DOS date: the same bytes for the same files, whenever zipped.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const LIMIT_32 = 0xffffffff;

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  directory: boolean;
  method: number;
}

/** The fields both headers carry in the same order (method to name length), from `at`. */
function writeEntryFields(header: Buffer, entry: Omit<Written, 'offset' | 'directory'>, at: number): void {
  header.writeUInt16LE(entry.method, at);
  header.writeUInt16LE(DOS_TIME, at + 2);
  header.writeUInt16LE(DOS_DATE, at + 4);
  header.writeUInt32LE(entry.crc, at + 6);
  header.writeUInt32LE(entry.compressed, at + 10);
  header.writeUInt32LE(entry.size, at + 14);
  header.writeUInt16LE(entry.name.length, at + 18);
}

function localHeader(entry: Omit<Written, 'offset' | 'directory'>): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0x0800, 6); // names are UTF-8
  writeEntryFields(header, entry, 8);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, entry.name]);
}

function centralHeader(entry: Written): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below is read
  header.writeUInt16LE(20, 6);
  header.writeUInt16LE(0x0800, 8);
  writeEntryFields(header, entry, 10);
  const mode = entry.directory ? 0o40755 : 0o100644;
  header.writeUInt32LE(((mode << 16) | (entry.directory ? 0x10 : 0)) >>> 0, 38);
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}

async function deflateFile(path: string): Promise<{ data: Buffer; crc: number; size: number }> {
  const chunks: Buffer[] = [];
  let crc = 0;
  let size = 0;
  const deflate = createDeflateRaw({ level: 6 });
  const done = (async () => {
    for await (const chunk of deflate) chunks.push(chunk as Buffer);
  })();
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    crc = crc32(buffer, crc);
    size += buffer.length;
    if (!deflate.write(buffer)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { data: Buffer.concat(chunks), crc, size };
}

/**
 * Writes a deflated zip of `entries`, in the order given, to `target`: fixed timestamps and
 * modes, so the same files give the same bytes. Files are read once each (one at a time); a
 * package past 4 GiB is refused (Ray's package store takes far less).
 */
export async function writeZip(target: string, entries: readonly ZipEntry[]): Promise<number> {
  if (entries.length > 0xffff) throw new Error(`the package has ${entries.length} entries; a zip without zip64 holds 65535`);
  const handle: FileHandle = await open(target, 'w');
  const written: Written[] = [];
  let offset = 0;
  const put = async (buffer: Buffer) => {
    await handle.write(buffer);
    offset += buffer.length;
  };
  try {
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      const directory = entry.source === undefined;
      const body = directory ? { data: Buffer.alloc(0), crc: 0, size: 0 } : await deflateFile(entry.source as string);
      // Store what deflate does not shrink, as zip tools do.
      const stored = !directory && body.data.length >= body.size;
      const data = stored ? await readAll(entry.source as string) : body.data;
      const record = { name, crc: body.crc, compressed: data.length, size: body.size, method: stored || directory ? 0 : 8 };
      if (offset + data.length > LIMIT_32) throw new Error('the package passes 4 GiB');
      written.push({ ...record, offset, directory });
      await put(localHeader(record));
      await put(data);
    }
    const start = offset;
    for (const entry of written) await put(centralHeader(entry));
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(written.length, 8);
    end.writeUInt16LE(written.length, 10);
    end.writeUInt32LE(offset - start, 12);
    end.writeUInt32LE(start, 16);
    await put(end);
    return offset;
  } finally {
    await handle.close();
  }
}

async function readAll(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
