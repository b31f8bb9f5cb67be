import type { DataError } from './cell-result.js';

/** Error order inside a row, as frictionless-py emits them. */
export const PHASE_CELL = 0;
export const PHASE_UNIQUE = 1;
export const PHASE_PRIMARY = 2;
export const PHASE_UNIQUE_KEYS = 3;
export const PHASE_FOREIGN = 4;

interface Ordered {
  error: DataError;
  phase: number;
  seq: number;
}

/** Collects errors: exact counts, and the first `limit` in (row, phase) order. */
export class ErrorSink {
  count = 0;
  readonly counts: Record<string, number> = {};
  private readonly kept: Ordered[] = [];
  private seq = 0;
  private sorted = true;

  constructor(readonly limit: number) {}

  add(error: DataError, phase = PHASE_CELL): void {
    this.count++;
    this.counts[error.code] = (this.counts[error.code] ?? 0) + 1;
    this.keep(error, phase);
  }

  /** Keeps an error for listing without counting it (counted elsewhere). */
  keep(error: DataError, phase: number): void {
    if (this.kept.length >= this.limit && this.sorted) {
      const last = this.kept[this.kept.length - 1]!;
      if ((error.rowNumber ?? 0) > (last.error.rowNumber ?? 0)) return;
    }
    const previous = this.kept[this.kept.length - 1];
    if (previous && compare(previous, { error, phase, seq: this.seq }) > 0) this.sorted = false;
    this.kept.push({ error, phase, seq: this.seq++ });
    if (this.kept.length > this.limit * 2) this.trim();
  }

  private trim(): void {
    this.kept.sort(compare);
    this.sorted = true;
    if (this.kept.length > this.limit) this.kept.length = this.limit;
  }

  list(): DataError[] {
    this.trim();
    return this.kept.map((item) => item.error);
  }
}

function compare(a: Ordered, b: Ordered): number {
  return (a.error.rowNumber ?? 0) - (b.error.rowNumber ?? 0) || a.phase - b.phase || a.seq - b.seq;
}
