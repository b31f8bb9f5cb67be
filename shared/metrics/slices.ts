import type { SliceResult } from './evaluation.js';
import { makeEvaluator, type Columns, type ScoringOptions } from './prediction-file.js';
import { summarize, type SummaryOptions } from './summary.js';
import type { Task } from './types.js';

/** A slice column with more values than this (an id, a timestamp) is cut to its largest values. */
const MAX_SLICE_VALUES = 100;

export interface SliceOptions {
  task: Task;
  columns: Columns;
  scoring: ScoringOptions;
  only: ReadonlySet<string> | undefined;
  summary: SummaryOptions;
  minSliceSize: number;
  warn(line: string): void;
}

/** The metrics of every value of each slice column, largest slices first; small ones are named, not scored. */
export async function sliceResults(sliceColumns: readonly string[], options: SliceOptions): Promise<SliceResult[]> {
  const slices: SliceResult[] = [];
  for (const column of sliceColumns) {
    const groups = new Map<string, number[]>();
    options.columns.slices[column]!.forEach((value, i) => {
      let rows = groups.get(value);
      if (!rows) groups.set(value, (rows = []));
      rows.push(i);
    });
    const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
    if (ordered.length > MAX_SLICE_VALUES) options.warn(`--slice ${column} has ${ordered.length} distinct values; reporting the ${MAX_SLICE_VALUES} largest`);
    for (const [value, rows] of ordered.slice(0, MAX_SLICE_VALUES)) {
      if (rows.length < options.minSliceSize) {
        slices.push({ column, value, n: rows.length, status: 'too-small', reason: `fewer than ${options.minSliceSize} rows (--min-slice-size)` });
        continue;
      }
      slices.push({ column, value, n: rows.length, status: 'ok', metrics: await summarize(makeEvaluator(options.task, options.columns, options.scoring, options.only, rows), options.summary) });
    }
  }
  return slices;
}
