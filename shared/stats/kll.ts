/**
 * KLL quantile sketch (Karnin, Lang, Liberty 2016): a stack of compactors whose capacities shrink
 * geometrically (factor 2/3) below the top one (k). Memory stays O(k) whatever the stream length;
 * sketches of parts of a stream merge into the sketch of the whole. The compaction coin is a
 * seeded generator, so the same input always gives the same sketch (and the same report).
 */

const C = 2 / 3;
const MIN_CAPACITY = 8;

/**
 * Normalized rank-error bound we state for a sketch of parameter k: the Apache DataSketches
 * KLL figure for single-sided rank queries at 99% confidence (2.296 / k^0.9723), which the
 * property test checks against the exact ranks.
 */
export function kllRankErrorBound(k: number): number {
  return 2.296 / Math.pow(k, 0.9723);
}

export class KllSketch {
  readonly k: number;
  /** Level h holds items of weight 2^h in levels[h][0 .. lengths[h]). */
  private levels: Float64Array[] = [];
  private lengths: number[] = [];
  private size = 0;
  private maxSize = 0;
  private seed: number;
  count = 0;
  min = Infinity;
  max = -Infinity;

  constructor(k = 4096, seed = 0x9e3779b9) {
    if (!(k >= MIN_CAPACITY)) throw new Error(`KLL k must be >= ${MIN_CAPACITY}`);
    this.k = Math.floor(k);
    this.seed = seed >>> 0 || 1;
    this.addLevel();
  }

  private addLevel(): void {
    this.levels.push(new Float64Array(64));
    this.lengths.push(0);
    let total = 0;
    for (let h = 0; h < this.levels.length; h++) total += this.capacity(h);
    this.maxSize = total;
  }

  private capacity(level: number): number {
    const depth = this.levels.length - level - 1;
    return Math.max(MIN_CAPACITY, Math.ceil(this.k * Math.pow(C, depth)));
  }

  private reserve(level: number, extra: number): Float64Array {
    let buf = this.levels[level]!;
    const need = this.lengths[level]! + extra;
    if (need > buf.length) {
      const grown = new Float64Array(Math.max(need, buf.length * 2));
      grown.set(buf.subarray(0, this.lengths[level]!));
      this.levels[level] = grown;
      buf = grown;
    }
    return buf;
  }

  private coin(): number {
    // xorshift32
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed & 1;
  }

  update(value: number): void {
    const buf = this.lengths[0]! < this.levels[0]!.length ? this.levels[0]! : this.reserve(0, 1);
    buf[this.lengths[0]!++] = value;
    this.size++;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.size >= this.maxSize) this.compress();
  }

  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      let len = this.lengths[h]!;
      if (len < this.capacity(h)) continue;
      if (h + 1 >= this.levels.length) this.addLevel();
      const level = this.levels[h]!.subarray(0, len).sort();
      // An odd leftover stays at this level so no weight is lost.
      const keep = len % 2 === 1 ? level[--len]! : undefined;
      const next = this.reserve(h + 1, len / 2);
      let at = this.lengths[h + 1]!;
      for (let i = this.coin(); i < len; i += 2) next[at++] = level[i]!;
      this.lengths[h + 1] = at;
      this.size -= len / 2;
      this.lengths[h] = 0;
      if (keep !== undefined) {
        this.levels[h]![0] = keep;
        this.lengths[h] = 1;
      }
      if (this.size < this.maxSize) break;
    }
  }

  /** Folds another sketch in; afterwards this sketch summarizes both streams. */
  merge(other: KllSketch): void {
    while (this.levels.length < other.levels.length) this.addLevel();
    for (let h = 0; h < other.levels.length; h++) {
      const len = other.lengths[h]!;
      const buf = this.reserve(h, len);
      buf.set(other.levels[h]!.subarray(0, len), this.lengths[h]!);
      this.lengths[h]! += len;
    }
    this.size += other.size;
    this.count += other.count;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    while (this.size >= this.maxSize) {
      const before = this.size;
      this.compress();
      if (this.size === before) break;
    }
  }

  /** Retained items, ascending, each with its weight (2^level); weights sum to count. */
  weightedItems(): { values: Float64Array; weights: Float64Array } {
    const all = new Float64Array(this.size);
    const weightOf = new Float64Array(this.size);
    let at = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const len = this.lengths[h]!;
      all.set(this.levels[h]!.subarray(0, len), at);
      weightOf.fill(2 ** h, at, at + len);
      at += len;
    }
    const order = Array.from(all.keys()).sort((a, b) => all[a]! - all[b]! || a - b);
    return { values: Float64Array.from(order, (i) => all[i]!), weights: Float64Array.from(order, (i) => weightOf[i]!) };
  }

  /** Approximate number of items <= value. */
  rank(value: number): number {
    let r = 0;
    for (let h = 0; h < this.levels.length; h++) {
      const level = this.levels[h]!;
      const w = 2 ** h;
      for (let i = 0; i < this.lengths[h]!; i++) if (level[i]! <= value) r += w;
    }
    return r;
  }

  retained(): number {
    return this.size;
  }
}
