/**
 * xoshiro128** (Blackman & Vigna), seeded through splitmix32: small, fast and reproducible
 * across platforms, which is all a bootstrap needs. Not for secrets.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const state = seedState(seed);
    this.a = state[0]! >>> 0;
    this.b = state[1]! >>> 0;
    this.c = state[2]! >>> 0;
    this.d = state[3]! >>> 0;
  }

  /** An Rng that continues from `state` (seedState's four words, as a kernel advanced them). */
  static fromState(state: Int32Array): Rng {
    const rng = new Rng(0);
    rng.a = state[0]! >>> 0;
    rng.b = state[1]! >>> 0;
    rng.c = state[2]! >>> 0;
    rng.d = state[3]! >>> 0;
    return rng;
  }

  /** Writes this generator's position into `state`, so a kernel continues where it stands. */
  writeState(state: Int32Array): void {
    state[0] = this.a;
    state[1] = this.b;
    state[2] = this.c;
    state[3] = this.d;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** A uniform integer in [0, n), unbiased (Lemire's multiply-and-reject for n < 2^21). */
  nextInt(n: number): number {
    if (n < 2097152) {
      // r * n < 2^53 is exact; its high 32 bits are the draw, its low 32 bits decide rejection.
      // (Multiplying by 2^-32 is exact and much faster than dividing.)
      let m = this.nextUint32() * n;
      let high = (m * 2.3283064365386963e-10) | 0;
      let low = m - high * 4294967296;
      if (low < n) {
        const floor = (4294967296 - n) % n;
        while (low < floor) {
          m = this.nextUint32() * n;
          high = (m * 2.3283064365386963e-10) | 0;
          low = m - high * 4294967296;
        }
      }
      return high;
    }
    return Math.floor(this.nextFloat() * n);
  }

  /** A standard normal draw (Box-Muller), for simulations. */
  nextNormal(): number {
    const u = 1 - this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** xoshiro128**'s four state words for `seed`, as Rng(seed) starts: splitmix32 of the seed. */
export function seedState(seed: number): Int32Array {
  let s = seed >>> 0 ^ Math.floor(seed / 2 ** 32) >>> 0;
  const state = new Int32Array(4);
  for (let k = 0; k < 4; k++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[k] = z ^ (z >>> 16);
  }
  return state;
}

/**
 * Counts of one multinomial resample of a stratum, kept in bytes: counts[j] becomes how often j
 * was drawn in counts.length uniform draws, the draws of counts.length Rng.nextInt(counts.length)
 * calls from `state` (seedState), which it advances. Exact for fewer than 2^21 choices only
 * (KERNEL_MAX_STRATUM in kernels.ts). Returns true when a count passed `limit` (255 unless a test
 * lowers it): a byte wrapped, and the caller draws that resample again with drawCountsExact from
 * the state it had before. Bytes because the draws are random increments: at 1M rows a byte per
 * count keeps the array in cache where four bytes do not (rankingChunk 0.87x the time of Uint32
 * counts, 1M rows, medians of 3). A count past 255 needs 256 of a stratum's draws on one position.
 * The state is read into int32 locals: 0.91x the time of draws over the generator's own words.
 */
export function drawCounts(state: Int32Array, counts: Uint8Array, limit = 255): boolean {
  const size = counts.length;
  counts.fill(0);
  let wrapped = false;
  let a = state[0]! | 0;
  let b = state[1]! | 0;
  let c = state[2]! | 0;
  let d = state[3]! | 0;
  // Rng.nextUint32 then Rng.nextInt's multiply-and-reject, on locals.
  const floor = (4294967296 - size) % size;
  for (let j = 0; j < size; j++) {
    let pick = 0;
    for (;;) {
      const x = Math.imul(b, 5);
      const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const m = result * size;
      pick = (m * 2.3283064365386963e-10) | 0;
      if (m - pick * 4294967296 >= floor) break;
    }
    const count = counts[pick]! + 1;
    counts[pick] = count;
    if (count > limit) wrapped = true;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  return wrapped;
}

/** drawCounts' draws counted in 32 bits, through Rng itself: the path of a resample whose bytes wrapped. */
export function drawCountsExact(state: Int32Array, counts: Uint32Array): void {
  const rng = Rng.fromState(state);
  const size = counts.length;
  counts.fill(0);
  for (let j = 0; j < size; j++) counts[rng.nextInt(size)]!++;
  rng.writeState(state);
}

/**
 * A kernel's resample as drawMultiplicities() draws it: per stratum, drawCounts into `scratch`
 * (at least the largest stratum long), then scattered to the stratum's positions in `mult`.
 * A stratum whose bytes wrapped is drawn again from the same state in 32 bits.
 */
export function drawStrata(state: Int32Array, strata: Uint32Array[], mult: Uint32Array, scratch: Uint8Array, limit = 255): void {
  mult.fill(0);
  const before = new Int32Array(4);
  for (let k = 0; k < strata.length; k++) {
    const stratum = strata[k]!;
    const local = scratch.subarray(0, stratum.length);
    before.set(state);
    if (drawCounts(state, local, limit)) {
      state.set(before);
      const exact = new Uint32Array(stratum.length);
      drawCountsExact(state, exact);
      for (let j = 0; j < stratum.length; j++) mult[stratum[j]!] = exact[j]!;
    } else {
      for (let j = 0; j < stratum.length; j++) mult[stratum[j]!] = local[j]!;
    }
  }
}

/**
 * The seed of one chunk of bootstrap resamples (starting at resample `first`): chunks are
 * independent streams, so they can run on any thread and give the same numbers.
 */
export function chunkSeed(seed: number, first: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(first + 1, 0x85ebca77)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
