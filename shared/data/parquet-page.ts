import { readDataPage } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import type { ColumnDecoder, DataPageHeader, DecodedArray } from 'hyparquet/src/types.js';

/**
 * A version 1 data page of a flat column, read as hyparquet's readDataPage reads it but into
 * arrays reused page after page: definition levels and dictionary codes in typed arrays, plain
 * strings and booleans decoded straight from the page. hyparquet gives each page fresh JS arrays
 * of its length (a large object each, collected only by a full collection), which is what kept
 * memory growing with the file. Other encodings take readDataPage.
 */
export interface FlatPage {
  /** Definition levels, only when some value of the page is null. */
  definitionLevels: ArrayLike<number> | undefined;
  /** The present values, or dictionary codes; valid until the next page is read. */
  dataPage: DecodedArray;
  /** dataPage holds the final values (strings; booleans as 1/0) and needs no convert(). */
  converted: boolean;
}

let levels = new Uint8Array(0);
let codes = new Int32Array(0);
let booleans = new Float64Array(0);
const strings: string[] = [];
const utf8 = new TextDecoder();

function grown<T extends Uint8Array | Int32Array | Float64Array>(scratch: T, length: number, make: (length: number) => T): T {
  return scratch.length >= length ? scratch : make(Math.max(length, scratch.length * 2));
}

/** hyparquet's convert() makes these strings with a TextDecoder and nothing else. */
function isPlainString(decoder: ColumnDecoder): boolean {
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
    readRleBitPackedHybrid(reader, 32 - Math.clz32(maxDefinition), definitionLevels);
    for (let i = 0; i < count; i++) if (definitionLevels[i] !== maxDefinition) nulls++;
    if (nulls === 0) definitionLevels = undefined;
  }
  const present = count - nulls;
  if (dictionary) {
    const width = view.getUint8(reader.offset++);
    codes = grown(codes, present, (length) => new Int32Array(length));
    const out = codes.subarray(0, present);
    if (width) readRleBitPackedHybrid(reader, width, out, view.byteLength - reader.offset);
    else out.fill(0);
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
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    strings.length = present;
    let offset = reader.offset;
    for (let i = 0; i < present; i++) {
      const length = view.getUint32(offset, true);
      offset += 4;
      const end = offset + length;
      let ascii = true;
      for (let b = offset; b < end; b++) {
        if (bytes[b]! > 127) {
          ascii = false;
          break;
        }
      }
      strings[i] = ascii ? text.toString('latin1', offset, end) : utf8.decode(bytes.subarray(offset, end));
      offset = end;
    }
    return { definitionLevels, dataPage: strings, converted: true };
  }
  return { definitionLevels, dataPage: readPlain(reader, decoder.type, present, decoder.element.type_length), converted: false };
}
