import { readDataPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { MAX_FAST_WIDTH, readHybrid } from './rle-hybrid.js';
import type { ColumnDecoder, DataPageHeader, DecodedArray } from 'hyparquet/src/types.js';

/**
 * A version 1 data page of a flat column, read as hyparquet's readDataPage reads it but into
 * arrays reused page after page: definition levels and dictionary codes in typed arrays, plain
 * booleans decoded straight from the page, plain strings as spans of its bytes (no string made).
 * hyparquet gives each page fresh JS arrays of its length (a large object each, collected only
 * by a full collection), which is what kept memory growing with the file. Other encodings take
 * readDataPage.
 */
export interface FlatPage {
  /** Definition levels, only when some value of the page is null. */
  definitionLevels: ArrayLike<number> | undefined;
  /** The present values, or dictionary codes; valid until the next page is read. */
  dataPage: DecodedArray;
  /** dataPage holds the final values (booleans as 1/0; the page's bytes for strings) and needs no convert(). */
  converted: boolean;
  /** Plain strings: value i is dataPage's bytes spans[2i] to spans[2i + 1] (UTF-8), valid until the next page is read. */
  spans?: Int32Array;
}

let levels = new Uint8Array(0);
let codes = new Int32Array(0);
let booleans = new Float64Array(0);
let spans = new Int32Array(0);

function grown<T extends Uint8Array | Int32Array | Float64Array>(scratch: T, length: number, make: (length: number) => T): T {
  return scratch.length >= length ? scratch : make(Math.max(length, scratch.length * 2));
}

/**
 * The [start, end) byte span of each of `count` PLAIN BYTE_ARRAY values (a little-endian length,
 * then the bytes) from `offset`, into `spans`; returns the offset after the last value.
 */
export function plainStringSpans(view: DataView, offset: number, count: number, spans: Int32Array): number {
  for (let k = 0; k < count; k++) {
    const length = view.getUint32(offset, true);
    offset += 4;
    spans[2 * k] = offset;
    spans[2 * k + 1] = offset += length;
  }
  return offset;
}

/** hyparquet's convert() makes these strings with a TextDecoder and nothing else. */
export function isPlainString(decoder: ColumnDecoder): boolean {
  const { type, converted_type: converted, logical_type: logical } = decoder.element;
  return type === 'BYTE_ARRAY' && (converted === undefined || converted === 'UTF8') && (logical === undefined || logical.type === 'STRING');
}

export function readFlatPage(bytes: Uint8Array, daph: DataPageHeader, decoder: ColumnDecoder, maxDefinition: number): FlatPage {
  const dictionary = daph.encoding === 'PLAIN_DICTIONARY' || daph.encoding === 'RLE_DICTIONARY';
  if (daph.encoding !== 'PLAIN' && !dictionary) {
    const page = readDataPage(bytes, daph, decoder);
    return { definitionLevels: page.definitionLevels && page.definitionLevels.length > 0 ? page.definitionLevels : undefined, dataPage: page.dataPage, converted: false };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  const count = daph.num_values;
  let definitionLevels: Uint8Array | undefined;
  let nulls = 0;
  if (maxDefinition > 0) {
    levels = grown(levels, count, (length) => new Uint8Array(length));
    definitionLevels = levels.subarray(0, count);
    const length = view.getUint32(reader.offset, true);
    nulls = count - readHybrid(bytes, reader.offset + 4, length, 32 - Math.clz32(maxDefinition), definitionLevels, maxDefinition);
    reader.offset += 4 + length;
    if (nulls === 0) definitionLevels = undefined;
  }
  const present = count - nulls;
  if (dictionary) {
    const width = view.getUint8(reader.offset++);
    codes = grown(codes, present, (length) => new Int32Array(length));
    const out = codes.subarray(0, present);
    if (width === 0) out.fill(0);
    else if (width <= MAX_FAST_WIDTH) readHybrid(bytes, reader.offset, bytes.length - reader.offset, width, out);
    else readRleBitPackedHybrid(reader, width, out, view.byteLength - reader.offset);
    return { definitionLevels, dataPage: out, converted: false };
  }
  if (decoder.type === 'BOOLEAN' && decoder.element.converted_type === undefined && decoder.element.logical_type === undefined) {
    booleans = grown(booleans, present, (length) => new Float64Array(length));
    const out = booleans.subarray(0, present);
    const start = reader.offset;
    for (let i = 0; i < present; i++) out[i] = (bytes[start + (i >> 3)]! >> (i & 7)) & 1;
    return { definitionLevels, dataPage: out, converted: true };
  }
  if (isPlainString(decoder)) {
    spans = grown(spans, 2 * present, (length) => new Int32Array(length));
    const out = spans.subarray(0, 2 * present);
    if (plainStringSpans(view, reader.offset, present, out) > bytes.byteLength) throw new Error('parquet string page ends inside a value');
    return { definitionLevels, dataPage: bytes, converted: true, spans: out };
  }
  return { definitionLevels, dataPage: readPlain(reader, decoder.type, present, decoder.element.type_length), converted: false };
}
