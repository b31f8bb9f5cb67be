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
  private levels: number[][] = [[]];
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
    this.updateMaxSize();
  }

  private capacity(level: number): number {
    const depth = this.levels.length - level - 1;
    return Math.max(MIN_CAPACITY, Math.ceil(this.k * Math.pow(C, depth)));
  }

  private updateMaxSize(): void {
    let total = 0;
    for (let h = 0; h < this.levels.length; h++) total += this.capacity(h);
    this.maxSize = total;
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
    this.levels[0]!.push(value);
    this.size++;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.size >= this.maxSize) this.compress();
  }

  private compress(): void {
    for (let h = 0; h < this.levels.length; h++) {
      const level = this.levels[h]!;
      if (level.length >= this.capacity(h)) {
        if (h + 1 >= this.levels.length) {
          this.levels.push([]);
          this.updateMaxSize();
        }
        level.sort((a, b) => a - b);
        const next = this.levels[h + 1]!;
        // An odd leftover stays at this level so no weight is lost.
        const keep = level.length % 2 === 1 ? level.pop() : undefined;
        const offset = this.coin();
        for (let i = offset; i < level.length; i += 2) next.push(level[i]!);
        this.size -= level.length - Math.floor(level.length / 2);
        level.length = 0;
        if (keep !== undefined) level.push(keep);
        if (this.size < this.maxSize) break;
      }
    }
  }

  /** Folds another sketch in; afterwards this sketch summarizes both streams. */
  merge(other: KllSketch): void {
    while (this.levels.length < other.levels.length) this.levels.push([]);
    this.updateMaxSize();
    for (let h = 0; h < other.levels.length; h++) for (const v of other.levels[h]!) this.levels[h]!.push(v);
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
    const pairs: Array<[number, number]> = [];
    this.levels.forEach((level, h) => {
      const w = 2 ** h;
      for (const v of level) pairs.push([v, w]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    const values = new Float64Array(pairs.length);
    const weights = new Float64Array(pairs.length);
    pairs.forEach(([v, w], i) => {
      values[i] = v;
      weights[i] = w;
    });
    return { values, weights };
  }

  /** Approximate number of items <= value. */
  rank(value: number): number {
    let r = 0;
    this.levels.forEach((level, h) => {
      const w = 2 ** h;
      for (const v of level) if (v <= value) r += w;
    });
    return r;
  }

  retained(): number {
    return this.size;
  }
}
