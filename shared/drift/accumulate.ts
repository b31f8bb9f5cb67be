/**
 * Folds a stream of cells into the distribution of one column, in bounded memory:
 * numeric values go to a growable Float64Array until `sketchAbove` values, then into a KLL
 * sketch; categorical values are counted. Missing cells, NaN and +-inf are dropped (counted).
 *
 * Column typing without a schema: a column is numeric while every non-missing cell is a number
 * (JSON/Parquet number, or CSV text that reads as a decimal number, nan or inf). The first other
 * cell turns it categorical; raw spellings are kept while there are few, so that switch is
 * usually free, else the caller re-reads the column (see `needsRescan`).
 */
import { KllSketch, kllRankErrorBound } from '../stats/kll.js';
import { categoricalFromValues, numericFromValues, type Distribution, type NumericDistribution } from '../stats/distribution.js';
import type { Cell } from '../data/index.js';

export type ColumnType = 'numeric' | 'categorical';

const NAN_TOKENS = new Set(['nan', 'NaN', 'NAN', '-nan', '-NaN', 'NA', 'N/A', 'n/a', 'null', 'NULL', '<NA>']);
const INF_TOKENS = new Map<string, number>([
  ['inf', Infinity], ['+inf', Infinity], ['-inf', -Infinity], ['Inf', Infinity], ['+Inf', Infinity], ['-Inf', -Infinity],
  ['INF', Infinity], ['-INF', -Infinity], ['Infinity', Infinity], ['+Infinity', Infinity], ['-Infinity', -Infinity],
  ['infinity', Infinity], ['-infinity', -Infinity],
]);
const RAW_CAP = 1000;
/** Raw spellings are kept for the first rows only: a numeric column rarely turns to text later. */
const RAW_ROWS = 20_000;
const DISTINCT_CAP = 64;

/** A cell as a number: finite, NaN (missing) or +-inf; undefined when it is not numeric text. */
export function cellNumber(cell: Cell): number | undefined {
  if (cell === null) return Number.NaN;
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'boolean') return undefined;
  const code = cell.charCodeAt(0);
  // Digits, sign or dot first; rejects '0x1A'-style literals and padded text Number() accepts.
  if ((code >= 48 && code <= 57) || code === 43 || code === 45 || code === 46) {
    const second = cell.charCodeAt(1);
    if (!(second === 120 || second === 88 || second === 111 || second === 79 || second === 98 || second === 66)) {
      const last = cell.charCodeAt(cell.length - 1);
      if (last !== 32 && last !== 9) {
        const n = Number(cell);
        if (!Number.isNaN(n)) return n;
      }
    }
  }
  if (NAN_TOKENS.has(cell)) return Number.NaN;
  return INF_TOKENS.get(cell);
}

function cellText(cell: Exclude<Cell, null>): string {
  return typeof cell === 'string' ? cell : String(cell);
}

export interface AccumulatorOptions {
  /** Fixed type (from a Table Schema or options); inferred when absent. */
  type?: ColumnType;
  sketchAbove: number;
  sketchK: number;
}

export class ColumnAccumulator {
  type: ColumnType | 'unknown';
  readonly fixed: boolean;
  rows = 0;
  missing = 0;
  nonFinite = 0;
  /** The column turned categorical after raw spellings were discarded: read it again. */
  needsRescan = false;
  private buffer = new Float64Array(1024);
  private length = 0;
  private sketch: KllSketch | null = null;
  private distinct: Map<number, number> | null = new Map();
  private integer = true;
  private mean = 0;
  private m2 = 0;
  private count = 0;
  private raw: Map<string, number> | null = new Map();
  private categories = new Map<string, number>();
  private readonly options: AccumulatorOptions;

  constructor(options: AccumulatorOptions) {
    this.options = options;
    this.type = options.type ?? 'unknown';
    this.fixed = options.type !== undefined;
    if (this.type === 'categorical') this.raw = null;
  }

  add(cells: Cell[]): void {
    if (this.type === 'categorical') {
      this.addCategorical(cells);
      return;
    }
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      this.rows++;
      const value = cellNumber(cell);
      if (value === undefined) {
        if (this.fixed) {
          // Declared numeric but not a number: treated as missing, as a schema cast would reject it.
          this.missing++;
          continue;
        }
        this.toCategorical();
        this.rows--;
        this.addCategorical(cells.slice(i));
        return;
      }
      if (this.raw && cell !== null) {
        const text = cellText(cell);
        this.raw.set(text, (this.raw.get(text) ?? 0) + 1);
        if (this.raw.size > RAW_CAP || this.rows > RAW_ROWS) this.raw = null;
      }
      if (cell === null || Number.isNaN(value)) {
        this.missing++;
        this.integer = false;
        continue;
      }
      if (value === Infinity || value === -Infinity) {
        this.nonFinite++;
        this.integer = false;
        continue;
      }
      this.type = 'numeric';
      this.addNumber(value);
    }
  }

  private addNumber(value: number): void {
    if (this.integer && !Number.isInteger(value)) this.integer = false;
    if (this.sketch) {
      this.addSketched(value);
      return;
    }
    if (this.length === this.buffer.length) {
      if (this.length >= this.options.sketchAbove) {
        // Exact so far; from here on a sketch, with moments and small-domain counts kept exactly.
        this.sketch = new KllSketch(this.options.sketchK);
        for (let i = 0; i < this.length; i++) this.addSketched(this.buffer[i]!);
        this.addSketched(value);
        this.buffer = new Float64Array(0);
        this.length = 0;
        return;
      }
      const grown = new Float64Array(Math.min(this.buffer.length * 2, Math.max(this.options.sketchAbove, 1024)));
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = value;
  }

  private addSketched(value: number): void {
    if (this.distinct) {
      this.distinct.set(value, (this.distinct.get(value) ?? 0) + 1);
      if (this.distinct.size > DISTINCT_CAP) this.distinct = null;
    }
    this.count++;
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (value - this.mean);
    this.sketch!.update(value);
  }

  /** The other file has text in this column: compare it as categories. */
  forceCategorical(): void {
    if (this.type !== 'categorical') this.toCategorical();
  }

  private toCategorical(): void {
    this.type = 'categorical';
    if (this.raw) {
      this.categories = this.raw;
    } else if (this.rows - this.missing > 0) {
      this.needsRescan = true;
    }
    this.raw = null;
    this.buffer = new Float64Array(0);
    this.length = 0;
    this.sketch = null;
    this.distinct = null;
  }

  private addCategorical(cells: Cell[]): void {
    const categories = this.categories;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      this.rows++;
      if (cell === null || (typeof cell === 'number' && Number.isNaN(cell))) {
        this.missing++;
        continue;
      }
      const text = cellText(cell);
      categories.set(text, (categories.get(text) ?? 0) + 1);
    }
  }

  /** Starts over as a categorical column (after needsRescan). */
  resetAsCategorical(): void {
    this.type = 'categorical';
    this.rows = 0;
    this.missing = 0;
    this.nonFinite = 0;
    this.categories = new Map();
    this.needsRescan = false;
  }

  /** Values kept in memory right now (numbers or categories), for the memory bound. */
  retained(): number {
    return this.sketch ? this.sketch.retained() : this.length + this.categories.size;
  }

  distribution(): Distribution {
    if (this.type === 'categorical') {
      let n = 0;
      for (const c of this.categories.values()) n += c;
      return { kind: 'categorical', counts: this.categories, n };
    }
    if (this.sketch) {
      const { values, weights } = this.sketch.weightedItems();
      const distinct = this.distinct;
      if (distinct) {
        // Few distinct values: the exact counts are known, so nothing is approximate.
        const keys = [...distinct.keys()].sort((a, b) => a - b);
        return exactFromCounts(keys, distinct, this.integer && this.missing === 0 && this.nonFinite === 0, this.mean, this.m2 / this.count);
      }
      const d: NumericDistribution = {
        kind: 'numeric',
        values,
        weights,
        n: this.count,
        min: this.sketch.min,
        max: this.sketch.max,
        mean: this.mean,
        variance: this.m2 / this.count,
        distinct: null,
        integer: this.integer && this.missing === 0 && this.nonFinite === 0,
        rankError: kllRankErrorBound(this.sketch.k),
      };
      return d;
    }
    return numericFromValues(this.buffer.subarray(0, this.length), {
      integer: this.integer && this.missing === 0 && this.nonFinite === 0,
      distinctCap: DISTINCT_CAP,
    });
  }
}

function exactFromCounts(keys: number[], counts: Map<number, number>, integer: boolean, mean: number, variance: number): NumericDistribution {
  const weights = Float64Array.from(keys, (k) => counts.get(k)!);
  let n = 0;
  for (const w of weights) n += w;
  return {
    kind: 'numeric',
    values: Float64Array.from(keys),
    weights,
    n,
    min: keys[0]!,
    max: keys[keys.length - 1]!,
    mean,
    variance,
    distinct: counts,
    integer,
  };
}

/** Categorical distribution straight from strings (tests, callers with arrays). */
export { categoricalFromValues };
