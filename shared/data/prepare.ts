import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { usageError } from '../errors.js';
import { relocateError } from '../files/relocate-error.js';
import { openJsonTable } from './json-table.js';
import { firstInvalidUtf8, readHead, resolveFormat, type ReadOptions } from './source.js';
import { openTable, type Table } from './table.js';
import { extractMember, zipMembers } from './zip.js';

/** Options of a data file beyond ReadOptions, from a data package resource. */
export interface SourceOptions extends ReadOptions {
  /** `zip`: the file is a zip archive holding the data file (also detected from `.zip` and the archive's signature). */
  compression?: string;
  /** `json`: a JSON array of rows (detected from `.json`). */
  json?: boolean;
}

/** A data file made ready for the readers: unzipped and turned into UTF-8 where needed, in a temp dir. */
export interface PreparedSource {
  /** `names`: the columns of a CSV file read with dialect `header: false` (the schema's fields). */
  open(names?: string[]): Promise<Table>;
  /** The text encoding, as named by the user or detected; absent for Parquet. */
  encoding?: string;
  /** Errors name the file as given, not the temp copy. */
  relocate(error: unknown): unknown;
  cleanup(): Promise<void>;
}

const DETECT_BYTES = 1 << 16;

/**
 * Unzips (`.zip` or `compression: zip`, one data file inside), picks the encoding (the one given,
 * else UTF-8 when the first 64 KiB are UTF-8 or carry its BOM, UTF-16 by its BOM, else cp1252, or
 * latin-1 when a byte cp1252 leaves undefined appears) and writes text in another encoding to a
 * UTF-8 temp copy, streaming; then opens the table with the reader of its format.
 */
export async function prepareSource(path: string, options: SourceOptions = {}): Promise<PreparedSource> {
  let dir: string | undefined;
  const temp = async () => (dir ??= await mkdtemp(join(tmpdir(), 'modelci-source-')));
  const cleanup = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  const copies: string[] = [];
  const relocate = (error: unknown): unknown => {
    for (const copy of copies) relocateError(error, copy, path);
    return error;
  };
  try {
    let current = path;
    let inner = path;
    const head = await headOrNothing(path, 4);
    const zipped = options.compression === 'zip' || path.toLowerCase().endsWith('.zip') || (head.length === 4 && head.readUInt32LE(0) === 0x04034b50);
    if (options.compression !== undefined && options.compression !== 'zip' && options.compression !== 'gz' && options.compression !== 'gzip') {
      throw usageError(`compression '${options.compression}' is not supported (${path})`, { code: 'data-zip', location: { file: path }, hint: 'Use zip or gz, or leave compression out and pass the file uncompressed.' });
    }
    if (zipped) {
      const members = await zipMembers(path);
      if (members.length !== 1) {
        throw usageError(`${path} holds ${members.length} files (${members.slice(0, 5).map((m) => m.name).join(', ')}${members.length > 5 ? ', ...' : ''}); a zipped data file must hold exactly one`, {
          code: 'data-zip',
          location: { file: path },
          hint: 'Zip one data file per archive, or unzip it and describe each file as a resource.',
        });
      }
      inner = members[0]!.name;
      current = join(await temp(), basename(inner) || 'data');
      await extractMember(path, members[0]!, current);
      copies.push(current);
    }
    const lower = inner.toLowerCase().replace(/\.gz$/, '');
    const json = options.json === true || (options.format === undefined && lower.endsWith('.json'));
    const resolved = await resolveFormat(current, options);
    if (resolved.format === 'parquet' && !json) return { open: () => openTable(current, options), relocate, cleanup };
    const encoding = options.encoding !== undefined ? checkEncoding(options.encoding, path) : await detectEncoding(current, resolved.gzip);
    if (encoding.decoder !== 'utf-8') {
      const target = join(await temp(), `utf8-${basename(current).replace(/\.gz$/i, '')}`);
      await transcode(current, resolved.gzip, encoding.decoder, target, path);
      current = target;
      copies.push(current);
    }
    const read = current;
    const gzip = encoding.decoder === 'utf-8' && resolved.gzip;
    return {
      open: (names) => (json ? openJsonTable(read, gzip) : openWithNames(read, options, names)),
      encoding: encoding.name,
      relocate,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw relocate(error);
  }
}

/** openTable with the column names of a headerless CSV file (the reader's third parameter, where it has one). */
const openWithNames = openTable as (path: string, options: ReadOptions, names?: string[]) => Promise<Table>;

/** The file's first bytes, or none when it cannot be opened: resolveFormat reports the missing file with its hint. */
function headOrNothing(path: string, bytes: number): Promise<Buffer> {
  return readHead(path, bytes).catch(() => Buffer.alloc(0));
}

interface Encoding {
  /** How it is reported. */
  name: string;
  /** The WHATWG label TextDecoder takes. */
  decoder: string;
}

const NAMES: Record<string, string> = { 'windows-1252': 'cp1252', 'utf-16le': 'utf-16', 'utf-16be': 'utf-16-be' };

/** A user's encoding name (Python's spellings too: latin-1, cp1252, utf-8-sig, utf-16). */
export function checkEncoding(given: string, path: string): Encoding {
  const label = given.trim().toLowerCase().replace(/_/g, '-');
  const alias: Record<string, string> = { 'utf-8-sig': 'utf-8', utf8: 'utf-8', 'latin-1': 'iso-8859-1', latin1: 'iso-8859-1', 'iso8859-1': 'iso-8859-1', cp1252: 'windows-1252', 'utf-16': 'utf-16le' };
  const wanted = alias[label] ?? label;
  let decoder: string;
  try {
    decoder = new TextDecoder(wanted).encoding;
  } catch {
    throw usageError(`unknown encoding '${given}' for ${path}`, { code: 'data-encoding', location: { file: path }, hint: 'Use a WHATWG encoding label such as utf-8, utf-16, latin-1 (iso-8859-1), cp1252 (windows-1252), shift_jis.' });
  }
  // TextDecoder maps latin-1 to windows-1252 (as browsers do), a superset for printable text.
  return { name: label === 'latin-1' || label === 'latin1' || label === 'iso8859-1' ? 'latin-1' : (NAMES[decoder] ?? decoder), decoder };
}

async function detectEncoding(path: string, gzip: boolean): Promise<Encoding> {
  const head = gzip ? await gunzippedHead(path) : await headOrNothing(path, DETECT_BYTES);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { name: 'utf-8', decoder: 'utf-8' };
  if (head[0] === 0xff && head[1] === 0xfe) return { name: 'utf-16', decoder: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { name: 'utf-16-be', decoder: 'utf-16be' };
  // A NUL means binary (refused by the readers), and a head that is UTF-8 (a character may be cut at its end) is UTF-8.
  if (head.indexOf(0) !== -1 || firstInvalidUtf8(head) >= head.length - 3 || !head.some((b) => b >= 0x80)) return { name: 'utf-8', decoder: 'utf-8' };
  const undefinedInCp1252 = head.some((b) => b === 0x81 || b === 0x8d || b === 0x8f || b === 0x90 || b === 0x9d);
  return undefinedInCp1252 ? { name: 'latin-1', decoder: 'windows-1252' } : { name: 'cp1252', decoder: 'windows-1252' };
}

async function gunzippedHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  const stream = createReadStream(path).pipe(createGunzip());
  try {
    for await (const piece of stream) {
      parts.push(piece as Buffer);
      size += (piece as Buffer).length;
      if (size >= DETECT_BYTES) break;
    }
  } catch {
    // A broken gzip file is reported by the reader.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, DETECT_BYTES);
}

/** Streams the file through TextDecoder into UTF-8; an undecodable byte is refused with its line. */
async function transcode(path: string, gzip: boolean, decoder: string, target: string, shown: string): Promise<void> {
  const decode = new TextDecoder(decoder, { fatal: true });
  let line = 1;
  const convert = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decode.decode(chunk, { stream: true });
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
        done(null, Buffer.from(text, 'utf8'));
      } catch {
        done(usageError(`${shown} is not valid ${decoder} near line ${line}`, { code: 'data-encoding', location: { file: shown, line }, hint: 'Pass the encoding the file was written in with --encoding (e.g. utf-8, cp1252, utf-16).' }));
      }
    },
    flush(done) {
      try {
        done(null, Buffer.from(decode.decode(), 'utf8'));
      } catch {
        done(usageError(`${shown} ends inside a ${decoder} character`, { code: 'data-encoding', location: { file: shown }, hint: 'Check that the file was written completely.' }));
      }
    },
  });
  const raw = createReadStream(path);
  if (gzip) await pipeline(raw, createGunzip(), convert, createWriteStream(target));
  else await pipeline(raw, convert, createWriteStream(target));
}
