/**
 * Running statistics for the dataset checks, in constant memory: count, mean and variance by
 * Welford's method, min, max, and a quantile sketch that is exact (numpy's linear
 * interpolation) up to EXACT_LIMIT values and a deterministic compacting sketch beyond
 * (rank error about levels/EXACT_LIMIT, well under 0.5% for a billion values).
 */
const EXACT_LIMIT = 8192;

export class RunningStats {
  count = 0;
  mean = 0;
  private m2 = 0;
  min = Infinity;
  max = -Infinity;
  private readonly levels: Float64Array[] = [];
  private readonly fills: number[] = [];
  private parity = 0;

  constructor(private readonly quantiles: boolean) {}

  add(x: number): void {
    this.count++;
    const delta = x - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (this.quantiles) this.push(0, x);
  }

  /** Sample standard deviation (ddof=1, as pandas reports it). */
  get stddev(): number {
    return this.count > 1 ? Math.sqrt(this.m2 / (this.count - 1)) : NaN;
  }

  private push(level: number, x: number): void {
    if (this.levels.length <= level) {
      this.levels.push(new Float64Array(EXACT_LIMIT));
      this.fills.push(0);
    }
    const buffer = this.levels[level]!;
    buffer[this.fills[level]!++] = x;
    if (this.fills[level] === EXACT_LIMIT) {
      buffer.sort();
      // Keep every other value (alternating offset so the bias cancels), each now weighing double.
      this.parity ^= 1;
      this.fills[level] = 0;
      for (let i = this.parity; i < EXACT_LIMIT; i += 2) this.push(level + 1, buffer[i]!);
    }
  }

  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (this.levels.length === 1) {
      const values = this.levels[0]!.slice(0, this.fills[0]).sort();
      const position = q * (values.length - 1);
      const lower = Math.floor(position);
      const upper = Math.min(lower + 1, values.length - 1);
      return values[lower]! + (values[upper]! - values[lower]!) * (position - lower);
    }
    const weighted: [number, number][] = [];
    let total = 0;
    this.levels.forEach((buffer, level) => {
      const weight = 2 ** level;
      for (let i = 0; i < this.fills[level]!; i++) {
        weighted.push([buffer[i]!, weight]);
        total += weight;
      }
    });
    weighted.sort((a, b) => a[0] - b[0]);
    const target = q * total;
    let seen = 0;
    for (const [value, weight] of weighted) {
      seen += weight;
      if (seen >= target) return value;
    }
    return weighted[weighted.length - 1]![0];
  }
}
