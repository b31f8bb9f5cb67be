import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Readable, Transform } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';
import { usageError } from '../errors.js';

/** The one data file inside a zip archive, as the central directory describes it. */
export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Where its local file header starts. */
  headerOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

function zipError(path: string, message: string, hint: string): Error {
  return usageError(`${path}: ${message}`, { code: 'data-zip', location: { file: path }, hint });
}

/** Reads the central directory (ZIP64 included) and returns the archive's files, directories and macOS metadata left out. */
export async function zipMembers(path: string): Promise<ZipMember[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailSize = Math.min(size, 22 + MAX_COMMENT + 20);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, size - tailSize);
    let at = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at === -1) throw zipError(path, 'is not a readable zip archive (no end of central directory)', 'Re-create the archive, or pass the data file itself.');
    let entries = tail.readUInt16LE(at + 10);
    let cdSize = tail.readUInt32LE(at + 12);
    let cdOffset = tail.readUInt32LE(at + 16);
    if (at >= 20 && tail.readUInt32LE(at - 20) === EOCD64_LOCATOR) {
      const record = Buffer.alloc(56);
      await handle.read(record, 0, 56, Number(tail.readBigUInt64LE(at - 20 + 8)));
      if (record.readUInt32LE(0) !== EOCD64) throw zipError(path, 'has a broken ZIP64 end of central directory', 'Re-create the archive.');
      entries = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw zipError(path, 'is truncated (its central directory lies past the end of the file)', 'Copy the archive again.');
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const members: ZipMember[] = [];
    let p = 0;
    for (let e = 0; e < entries; e++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw zipError(path, 'has a broken central directory', 'Re-create the archive.');
      const nameLength = cd.readUInt16LE(p + 28);
      const extraLength = cd.readUInt16LE(p + 30);
      const commentLength = cd.readUInt16LE(p + 32);
      const name = cd.toString((cd.readUInt16LE(p + 8) & 0x800) !== 0 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressed = cd.readUInt32LE(p + 24);
      let headerOffset = cd.readUInt32LE(p + 42);
      // ZIP64 extra field: the 64-bit values of the fields that read 0xffffffff, in this order.
      let x = p + 46 + nameLength;
      const end = x + extraLength;
      while (x + 4 <= end) {
        const id = cd.readUInt16LE(x);
        const length = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let q = x + 4;
          if (uncompressed === 0xffffffff) {
            uncompressed = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (headerOffset === 0xffffffff) headerOffset = Number(cd.readBigUInt64LE(q));
        }
        x += 4 + length;
      }
      if (!name.endsWith('/') && !name.startsWith('__MACOSX/')) {
        members.push({ name, method: cd.readUInt16LE(p + 10), compressedSize, size: uncompressed, crc: cd.readUInt32LE(p + 16), headerOffset });
      }
      p += 46 + nameLength + extraLength + commentLength;
    }
    return members;
  } finally {
    await handle.close();
  }
}

/** Streams one member's bytes (stored or deflated) into `target`, checking its size and CRC-32. */
export async function extractMember(path: string, member: ZipMember, target: string): Promise<void> {
  const handle = await open(path, 'r');
  let dataStart: number;
  try {
    const local = Buffer.alloc(30);
    await handle.read(local, 0, 30, member.headerOffset);
    if (local.readUInt32LE(0) !== LOCAL) throw zipError(path, `has a broken local header for ${member.name}`, 'Re-create the archive.');
    dataStart = member.headerOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  if (member.method !== 0 && member.method !== 8) {
    throw zipError(path, `stores ${member.name} with compression method ${member.method}; only stored and deflated members are read`, 'Re-create the archive with standard deflate compression (zip -9).');
  }
  let crc = 0;
  let bytes = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    if (member.compressedSize === 0) await pipeline(Readable.from([]), check, createWriteStream(target));
    else {
      const raw = createReadStream(path, { start: dataStart, end: dataStart + member.compressedSize - 1 });
      if (member.method === 8) await pipeline(raw, createInflateRaw(), check, createWriteStream(target));
      else await pipeline(raw, check, createWriteStream(target));
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw zipError(path, `holds a broken deflate stream for ${member.name}: ${(error as Error).message}`, 'Re-create the archive.');
    throw error;
  }
  if (bytes !== member.size || crc >>> 0 !== member.crc >>> 0) {
    throw zipError(path, `${member.name} does not match its checksum (read ${bytes} bytes, expected ${member.size})`, 'The archive is damaged; copy or re-create it.');
  }
}
