import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel, getTreePath } from 'hyparquet/src/schema.js';
import type { ColumnChunk, ColumnDecoder, CompressionCodec, DecodedArray, SchemaTree } from 'hyparquet/src/types.js';
import { isPlainString, plainStringSpans, readFlatPage } from './parquet-page.js';
import { snappyDecompress } from './snappy.js';
import type { Cell, ParquetColumn } from './table-types.js';


const DAY_MS = 86_400_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Dates come as day numbers, not Date objects. */
const PARSERS = { ...DEFAULT_PARSERS, dateFromDays: (days: number) => days };

export function columnKind(tree: SchemaTree): ParquetColumn['kind'] {
  const { type, converted_type: converted, logical_type: logical } = tree.element;
  if (converted === 'DATE' || logical?.type === 'DATE') return 'date';
  if (type === 'BOOLEAN' && converted === undefined && logical === undefined) return 'boolean';
  const numeric = type === 'INT32' || type === 'INT64' || type === 'FLOAT' || type === 'DOUBLE';
  const plainInteger = converted === undefined || /^U?INT_(8|16|32|64)$/.test(converted);
  if (numeric && plainInteger && (logical === undefined || logical.type === 'INTEGER')) return 'number';
  return 'cells';
}

/** A value as the row readers hand it out: what hyparquet's row reader gives, as a cell. */
export function toParquetCell(value: unknown, date: boolean): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return date ? value.toISOString().slice(0, 10) : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? Number(inner) : inner));
}

const utf8 = new TextDecoder();
let dictionaries = 0;

/** Value k of a UTF-8 string column as hyparquet's convert() decodes it: ASCII as latin1, the rest with its TextDecoder (which drops a leading byte order mark). */
export function textAt(text: Buffer, spans: Int32Array, k: number): string {
  const start = spans[2 * k]!;
  const end = spans[2 * k + 1]!;
  for (let b = start; b < end; b++) if (text[b]! > 127) return utf8.decode(text.subarray(start, end));
  return text.toString('latin1', start, end);
}

/** A boolean's (1/0) or date's (days since 1970) stored number as its cell. */
export function dayCell(kind: 'boolean' | 'date', value: number): Cell {
  return kind === 'boolean' ? value === 1 : new Date(value * DAY_MS).toISOString().slice(0, 10);
}

/** The cell of row r, as toParquetCell gives it for hyparquet's value. */
export function cellAt(column: ParquetColumn, r: number): Cell {
  if (column.valid[r] === 0) return null;
  switch (column.kind) {
    case 'number':
      return column.num![r]!;
    case 'boolean':
    case 'date':
      return dayCell(column.kind, column.num![r]!);
    case 'cells': {
      const code = column.codes![r]!;
      if (code >= 0) {
        const dict = column.dict!;
        return dict[code] ?? (column.dictSpans === undefined ? null : (dict[code] = textAt(column.text!, column.dictSpans, code)));
      }
      return code === -2 ? textAt(column.text!, column.spans!, r) : column.other![r]!;
    }
  }
}

// Page-sized scratch, reused page after page: each page's bytes and numbers are copied into its
// column before the next page is read, and so little memory is left for the collector to find.
let pageScratch = new Uint8Array(0);
let numberScratch = new Float64Array(0);

function numberScratchOf(length: number): Float64Array {
  if (numberScratch.length < length) numberScratch = new Float64Array(Math.max(length, numberScratch.length * 2));
  return numberScratch.subarray(0, length);
}

function decompress(compressed: Uint8Array, size: number, codec: CompressionCodec): Uint8Array {
  if (codec !== 'SNAPPY') return decompressPage(compressed, size, codec, undefined);
  if (pageScratch.length < size) pageScratch = new Uint8Array(Math.max(size, pageScratch.length * 2));
  const page = pageScratch.subarray(0, size);
  snappyDecompress(compressed, page);
  return page;
}

/** Number values as Number(value) would give them; int64 without a BigInt per value. */
function numbersOf(values: DecodedArray): ArrayLike<number> {
  if (values instanceof BigInt64Array && LITTLE_ENDIAN) {
    const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const out = numberScratchOf(values.length);
    // hi * 2^32 is exact, so the one addition rounds once, as Number(bigint) does.
    for (let i = 0; i < out.length; i++) out[i] = words[2 * i + 1]! * 4294967296 + (words[2 * i]! >>> 0);
    return out;
  }
  if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint32Array) return values;
  return Array.from(values as ArrayLike<unknown>, (value) => (value === null || value === undefined ? NaN : Number(value)));
}

/**
 * Decodes one flat column chunk (its bytes from the file) of `rows` rows. `reuse`: the column of
 * the previous row group, whose storage this one overwrites (its earlier values are gone).
 */
export function decodeColumnChunk(bytes: Uint8Array, chunk: ColumnChunk, tree: SchemaTree, rows: number, reuse?: ParquetColumn): ParquetColumn {
  const meta = chunk.meta_data!;
  const schemaPath = getTreePath(tree, meta.path_in_schema);
  const element = schemaPath[schemaPath.length - 1]!.element;
  const decoder: ColumnDecoder = { pathInSchema: meta.path_in_schema, type: meta.type, element, schemaPath, codec: meta.codec, parsers: PARSERS };
  const kind = columnKind(schemaPath[schemaPath.length - 1]!);
  const maxDefinition = getMaxDefinitionLevel(schemaPath);
  const column = storageFor(kind, rows, reuse);
  column.integral = kind === 'number' && (meta.type === 'INT32' || meta.type === 'INT64');
  const textual = kind === 'cells' && isPlainString(decoder);
  let textUsed = 0;
  let dictNumbers: Float64Array | undefined;
  let dictCells: (Cell | undefined)[] | undefined;
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  let position = 0;
  while (position < rows && reader.offset < bytes.byteLength) {
    const header = parquetHeader(reader);
    const compressed = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompress(compressed, Number(header.uncompressed_page_size), meta.codec);
      if (textual) {
        dictCells = textDictionary(column, page, header.dictionary_page_header!.num_values);
        textUsed = page.length;
        continue;
      }
      const plain = readPlain({ view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 }, meta.type, header.dictionary_page_header!.num_values, element.type_length);
      const values = convert(plain, decoder);
      if (kind === 'cells') {
        dictCells = Array.from(values as ArrayLike<unknown>, (value) => toParquetCell(value, false));
        column.dict = dictCells;
        column.dictId = ++dictionaries;
      } else if (kind === 'boolean') {
        const flags = values as ArrayLike<unknown>;
        const numbers = new Float64Array(flags.length);
        for (let k = 0; k < flags.length; k++) numbers[k] = flags[k] ? 1 : 0;
        dictNumbers = numbers;
      } else {
        // Its own copy (the scratch takes the next page), in storage reused row group after row group.
        const source = numbersOf(values);
        if (column.dictNum === undefined || column.dictNum.length < source.length) column.dictNum = new Float64Array(Math.max(source.length, (column.dictNum?.length ?? 0) * 2));
        column.dictNum.set(source);
        column.dictCount = source.length;
        column.dictId = ++dictionaries;
        dictNumbers = column.dictNum.subarray(0, source.length);
      }
      continue;
    }
    let encoding: string;
    let count: number;
    let page: { definitionLevels: ArrayLike<number> | undefined; dataPage: DecodedArray; converted?: boolean; spans?: Int32Array };
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      encoding = daph.encoding;
      count = daph.num_values;
      page = readFlatPage(decompress(compressed, Number(header.uncompressed_page_size), meta.codec), daph, decoder, maxDefinition);
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph = header.data_page_header_v2!;
      encoding = daph.encoding;
      count = daph.num_values;
      page = readDataPageV2(compressed, header, decoder);
    } else continue;
    if (position + count > rows) throw new Error(`parquet column ${meta.path_in_schema.join('.')} has more values than its row group's ${rows} rows`);
    const definitions = page.definitionLevels;
    const hasNulls = definitions !== undefined && definitions.length > 0;
    const dictionary = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
    if (hasNulls) column.nullFree = false;
    if (!dictionary) column.dictionaryOnly = false;
    if (dictionary && dictNumbers === undefined && dictCells === undefined) throw new Error(`parquet column ${meta.path_in_schema.join('.')} has a dictionary-encoded page without a dictionary`);
    const data = page.dataPage;
    const valid = column.valid;
    if (kind === 'cells') {
      const codes = column.codes!;
      const other = column.other!;
      const spans = page.spans;
      if (spans !== undefined) {
        column.text = textRoom(column.text, textUsed, data.length);
        column.text.set(data as Uint8Array, textUsed);
        column.spans ??= new Int32Array(2 * rows);
      }
      const rowSpans = column.spans!;
      // A page without nulls (most): codes copied or set at once, spans shifted in one plain loop.
      if (!hasNulls && (spans !== undefined || (dictionary && data instanceof Int32Array))) {
        if (spans !== undefined) {
          codes.fill(-2, position, position + count);
          for (let k = 0; k < 2 * count; k++) rowSpans[2 * position + k] = textUsed + spans[k]!;
          textUsed += data.length;
        } else {
          const given = (data as Int32Array).subarray(0, count);
          checkCodes(given, dictCells!.length);
          codes.set(given, position);
        }
        valid.fill(1, position, position + count);
        position += count;
        continue;
      }
      const values = dictionary || spans ? undefined : page.converted ? (data as ArrayLike<unknown>) : (convert(data, decoder) as ArrayLike<unknown>);
      let v = 0;
      for (let i = 0; i < count; i++) {
        const r = position + i;
        if (hasNulls && definitions[i] !== maxDefinition) {
          codes[r] = -1;
          other[r] = null;
          continue;
        }
        if (spans !== undefined) {
          codes[r] = -2;
          rowSpans[2 * r] = textUsed + spans[2 * v]!;
          rowSpans[2 * r + 1] = textUsed + spans[2 * v + 1]!;
          v++;
          valid[r] = 1;
        } else if (values === undefined) {
          const code = (data as ArrayLike<number>)[v++]!;
          if (!(code >= 0 && code < dictCells!.length)) throw codePastDictionary(code, dictCells!.length);
          codes[r] = code;
          valid[r] = 1;
        } else {
          codes[r] = -1;
          const cell = toParquetCell(values[v++], false);
          other[r] = cell;
          valid[r] = cell === null ? 0 : 1;
        }
      }
      if (spans !== undefined) textUsed += data.length;
    } else {
      const num = column.num!;
      let values: ArrayLike<number>;
      if (dictionary && !hasNulls && data instanceof Int32Array && dictNumbers instanceof Float64Array) {
        gather(num, position, dictNumbers, data, count);
        valid.fill(1, position, position + count);
        position += count;
        continue;
      }
      if (dictionary) {
        const codes = data as ArrayLike<number>;
        const out = numberScratchOf(codes.length);
        const size = dictNumbers!.length;
        for (let i = 0; i < codes.length; i++) {
          const code = codes[i]!;
          if (!(code >= 0 && code < size)) throw codePastDictionary(code, size);
          out[i] = dictNumbers![code]!;
        }
        values = out;
      } else if (page.converted) values = data as ArrayLike<number>;
      else if (kind === 'boolean') values = Array.from(data as ArrayLike<unknown>, (value) => (value ? 1 : 0));
      else values = numbersOf(convert(data, decoder));
      if (!hasNulls) {
        if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint32Array) num.set(values.subarray(0, count), position);
        else for (let i = 0; i < count; i++) num[position + i] = values[i]!;
        valid.fill(1, position, position + count);
      } else {
        let v = 0;
        for (let i = 0; i < count; i++) {
          if (definitions[i] !== maxDefinition) continue;
          num[position + i] = values[v++]!;
          valid[position + i] = 1;
        }
      }
    }
    position += count;
  }
  if (position !== rows) throw new Error(`parquet column ${meta.path_in_schema.join('.')} has ${position} values for its row group's ${rows} rows`);
  return column;
}

/** Dictionary entries codes[0..count) written to num from `at` on; a code past the dictionary's end is refused. */
function gather(num: Float64Array, at: number, dict: Float64Array, codes: Int32Array, count: number): void {
  const size = dict.length;
  for (let i = 0; i < count; i++) {
    const code = codes[i]!;
    if (code >>> 0 >= size) throw codePastDictionary(code, size);
    num[at + i] = dict[code]!;
  }
}

function checkCodes(codes: Int32Array, size: number): void {
  for (let i = 0; i < codes.length; i++) if (codes[i]! >>> 0 >= size) throw codePastDictionary(codes[i]!, size);
}

function codePastDictionary(code: number, size: number): Error {
  return new Error(`parquet dictionary code ${code} is past its dictionary's ${size} entries`);
}

/** Room for `more` bytes after the first `used` of `text`, which are kept. */
function textRoom(text: Buffer | undefined, used: number, more: number): Buffer {
  if (text !== undefined && text.length >= used + more) return text;
  const grown = Buffer.allocUnsafe(Math.max(used + more, (text?.length ?? 0) * 2));
  if (text !== undefined) text.copy(grown, 0, 0, used);
  return grown;
}

/**
 * A plain-encoded dictionary of UTF-8 strings, kept as its page's bytes (copied into the column's
 * text) and spans; its strings are made one by one, and only for cells asked for (cellAt).
 */
function textDictionary(column: ParquetColumn, page: Uint8Array, count: number): (Cell | undefined)[] {
  column.text = textRoom(column.text, 0, page.length);
  column.text.set(page, 0);
  if (column.dictSpans === undefined || column.dictSpans.length < 2 * count) column.dictSpans = new Int32Array(Math.max(2 * count, (column.dictSpans?.length ?? 0) * 2));
  const spans = column.dictSpans;
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  if (plainStringSpans(view, 0, count, spans) > page.length) throw new Error('parquet dictionary page ends inside a value');
  const dict = column.dict ?? [];
  if (dict.length > count) dict.length = count;
  dict.fill(undefined);
  while (dict.length < count) dict.push(undefined);
  column.dict = dict;
  column.dictId = ++dictionaries;
  return dict;
}

/** The column's storage for `rows` rows: the previous row group's when it is large enough. */
function storageFor(kind: ParquetColumn['kind'], rows: number, reuse: ParquetColumn | undefined): ParquetColumn {
  const cells = kind === 'cells';
  const fresh = reuse === undefined || reuse.kind !== kind || reuse.valid.buffer.byteLength < rows;
  const valid = fresh ? new Uint8Array(rows) : new Uint8Array(reuse.valid.buffer, 0, rows).fill(0);
  // Every column has the same properties, set in the same order, so the readers see one shape.
  return {
    kind,
    rows,
    valid,
    num: cells ? undefined : fresh ? new Float64Array(rows) : new Float64Array(reuse.num!.buffer, 0, rows),
    dictNum: fresh ? undefined : reuse.dictNum,
    codes: !cells ? undefined : fresh ? new Int32Array(rows) : new Int32Array(reuse.codes!.buffer, 0, rows),
    dict: fresh || reuse.dictSpans === undefined ? undefined : reuse.dict, // a text dictionary's string cache
    dictId: undefined,
    other: !cells ? undefined : fresh ? new Array<Cell>(rows) : reuse.other,
    text: fresh ? undefined : reuse.text,
    dictSpans: fresh ? undefined : reuse.dictSpans,
    spans: fresh || reuse.spans === undefined || reuse.spans.length < 2 * rows ? undefined : reuse.spans,
    nullFree: true,
    dictionaryOnly: true,
    dictCount: 0,
    integral: false,
  };
}

/** The column chunk's byte range in the file. */
export function chunkRange(chunk: ColumnChunk): { start: number; end: number } {
  const meta = chunk.meta_data;
  if (!meta) throw new Error('parquet column metadata is undefined');
  if (chunk.file_path) throw new Error('parquet file_path not supported');
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  return { start, end: start + Number(meta.total_compressed_size) };
}
