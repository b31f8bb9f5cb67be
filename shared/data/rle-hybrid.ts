/** Widths up to this are unpacked through one 32-bit accumulator (a byte is added while it holds fewer bits than a value). */
export const MAX_FAST_WIDTH = 24;

/**
 * Fills `output` from Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary
 * codes) of `width`-bit values: the runs in bytes[offset, offset + length). A run of repeats is one
 * fill(); a bit-packed run is unpacked eight values at a time from its bytes. Runs that end
 * before the output is full, or that run past `length`, are an error (a truncated page).
 * Returns how many values equal `counted` (definition levels: the values present).
 */
export function readHybrid(bytes: Uint8Array, offset: number, length: number, width: number, output: Uint8Array | Int32Array, counted = -1): number {
  if (width > MAX_FAST_WIDTH) throw new Error(`readHybrid takes widths up to ${MAX_FAST_WIDTH}, not ${width}`);
  const end = offset + length;
  if (end > bytes.length) throw new Error('parquet RLE runs are longer than their page');
  const mask = width === 0 ? 0 : (1 << width) - 1;
  const valueBytes = (width + 7) >> 3;
  const total = output.length;
  let pos = offset;
  let seen = 0;
  let matches = 0;
  while (seen < total) {
    let header = 0;
    for (let scale = 1; ; scale *= 128) {
      if (pos >= end) throw new Error(`parquet RLE runs end after ${seen} of ${total} values`);
      const byte = bytes[pos++]!;
      header += (byte & 0x7f) * scale;
      if (byte < 128) break;
    }
    if (header % 2 === 0) {
      const count = header / 2;
      if (pos + valueBytes > end) throw new Error('parquet RLE run ends inside its value');
      let value = 0;
      for (let b = 0; b < valueBytes; b++) value |= bytes[pos + b]! << (8 * b);
      pos += valueBytes;
      const until = Math.min(total, seen + count);
      output.fill(value & mask, seen, until);
      if ((value & mask) === counted) matches += until - seen;
      seen += count;
      continue;
    }
    const groups = (header - 1) / 2;
    const runEnd = pos + groups * width;
    if (runEnd > end) throw new Error('parquet bit-packed run is longer than its page');
    const values = Math.min(groups * 8, total - seen);
    // Value v starts at bit v * width: read from its first byte, with the next ones as its width
    // needs, no loop per value (one loop per byte count: four bytes for every width measured about
    // 30% slower up to 8 bits). The last bytes of the buffer go through the accumulator instead,
    // so that no read falls past its end.
    const direct = pos + 4 <= bytes.length ? Math.min(values, (((bytes.length - 4 - pos) * 8) / width) | 0) : 0;
    if (width <= 8) for (let v = 0; v < direct; v++) {
      const bit = v * width;
      const at = pos + (bit >> 3);
      output[seen + v] = ((bytes[at]! | (bytes[at + 1]! << 8)) >>> (bit & 7)) & mask;
    }
    else if (width <= 16) for (let v = 0; v < direct; v++) {
      const bit = v * width;
      const at = pos + (bit >> 3);
      output[seen + v] = ((bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)) >>> (bit & 7)) & mask;
    }
    else for (let v = 0; v < direct; v++) {
      const bit = v * width;
      const at = pos + (bit >> 3);
      output[seen + v] = ((bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> (bit & 7)) & mask;
    }
    let acc = 0;
    let bits = 0;
    let at = pos + ((direct * width) >> 3);
    // direct * width may end inside a byte: the accumulator starts from that byte's remaining bits.
    const used = (direct * width) & 7;
    if (used > 0) {
      acc = bytes[at++]! >>> used;
      bits = 8 - used;
    }
    seen += direct;
    for (let v = direct; v < values; v++) {
      while (bits < width) {
        acc |= bytes[at++]! << bits;
        bits += 8;
      }
      output[seen++] = acc & mask;
      acc >>>= width;
      bits -= width;
    }
    if (counted >= 0) for (let v = seen - values; v < seen; v++) if (output[v] === counted) matches++;
    pos = runEnd;
  }
  return matches;
}
