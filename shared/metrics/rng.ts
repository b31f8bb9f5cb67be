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
    let s = seed >>> 0 ^ Math.floor(seed / 2 ** 32) >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
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
