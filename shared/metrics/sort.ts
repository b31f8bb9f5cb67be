/**
 * Stable arg-sort of float64 values, descending, by LSD radix over the IEEE-754 bits.
 * Four 16-bit passes are O(n) and much faster than a comparator sort at 1M rows; passes whose
 * digit is the same for every key (common for probabilities) are skipped.
 */
export function argsortDescending(values: Float64Array): Uint32Array {
  const n = values.length;
  const bits = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    bits[i] = v === 0 ? 0 : v; // -0 and 0 are one tie group
  }
  const words = new Uint32Array(bits.buffer);
  // Order-preserving map to unsigned keys, then inverted for descending order.
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let l = words[2 * i]!;
    let h = words[2 * i + 1]!;
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else {
      h ^= 0x80000000;
    }
    lo[i] = ~l >>> 0;
    hi[i] = ~h >>> 0;
  }
  let index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let index2 = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const source = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(source[i]! >>> shift) & 0xffff]!++;
    if (n === 0 || counts[(source[0]! >>> shift) & 0xffff] === n) continue;
    let total = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const d = (source[i]! >>> shift) & 0xffff;
      const at = counts[d]!++;
      lo2[at] = lo[i]!;
      hi2[at] = hi[i]!;
      index2[at] = index[i]!;
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [index, index2] = [index2, index];
  }
  return index;
}
