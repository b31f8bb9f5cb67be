/**
 * Decompresses one raw Snappy block (the format Parquet's SNAPPY codec uses: a varint length,
 * then literals and back-references) into `output`, whose length the page header gives.
 * Literals of 16 bytes and more are copied with one memcpy (TypedArray.set): a page of numbers
 * that do not compress is almost all literal bytes, which a byte loop copies one at a time.
 * Back-references are at most 64 bytes and may overlap what they write: a run of one byte is a
 * fill, a long one that does not overlap one copyWithin, the others a loop.
 */
export function snappyDecompress(input: Uint8Array, output: Uint8Array): void {
  const end = input.length;
  let pos = 0;
  let declared = 0;
  for (let scale = 1; ; scale *= 128) {
    if (pos >= end || scale > 2 ** 28) throw new Error('snappy block has no valid length');
    const byte = input[pos++]!;
    declared += (byte & 0x7f) * scale;
    if (byte < 128) break;
  }
  if (declared !== output.length) throw new Error(`snappy block holds ${declared} bytes where the page header says ${output.length}`);
  let out = 0;
  while (pos < end) {
    const tag = input[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let length = tag >>> 2;
      if (length >= 60) {
        const bytes = length - 59;
        if (pos + bytes > end) throw new Error('snappy literal length runs past the block');
        length = 0;
        for (let b = bytes - 1; b >= 0; b--) length = length * 256 + input[pos + b]!;
        pos += bytes;
      }
      length += 1;
      if (pos + length > end || out + length > output.length) throw new Error('snappy literal runs past its block or page');
      if (length < 16) for (let i = 0; i < length; i++) output[out + i] = input[pos + i]!;
      else output.set(input.subarray(pos, pos + length), out);
      pos += length;
      out += length;
      continue;
    }
    let length: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= end) throw new Error('snappy copy runs past the block');
      length = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++]!;
    } else if (kind === 2) {
      if (pos + 2 > end) throw new Error('snappy copy runs past the block');
      length = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw new Error('snappy copy runs past the block');
      length = (tag >>> 2) + 1;
      offset = input[pos]! + input[pos + 1]! * 256 + input[pos + 2]! * 65536 + input[pos + 3]! * 16777216;
      pos += 4;
    }
    if (offset === 0 || offset > out) throw new Error(`snappy copy from ${offset} bytes back at byte ${out}`);
    if (out + length > output.length) throw new Error('snappy copy runs past the page');
    const from = out - offset;
    if (offset === 1) output.fill(output[from]!, out, out + length);
    else if (offset >= length && length >= 32) output.copyWithin(out, from, from + length);
    else for (let i = 0; i < length; i++) output[out + i] = output[from + i]!;
    out += length;
  }
  if (out !== output.length) throw new Error(`snappy block ends after ${out} of its ${output.length} bytes`);
}
