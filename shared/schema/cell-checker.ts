import type { Table } from '../data/index.js';
import { parseDeferred } from '../data/csv-bytes.js';
import type { CsvChunk } from '../data/csv-chunk.js';
import type { TableSchema } from './load.js';
import type { CellResult, MostlyState } from './cell-result.js';
import { ErrorSink } from './error-sink.js';
import { matchHeader } from './header-check.js';
import { buildHot } from './row-state.js';
import { processBatch } from './row-check.js';
import { planKernels, screenChunk } from './column-kernels.js';

/** The cell checks of CSV chunks for this header and schema: what a worker thread runs. */
export function createCellChecker(header: string[], headerLine: number | undefined, schema: TableSchema): (chunk: CsvChunk, firstRowNumber: number) => CellResult {
  const sink = new ErrorSink(1);
  const expected = matchHeader({ header, headerLine } as Table, schema, sink);
  const { hot } = buildHot(expected, schema, true, {}, sink, 'cells');
  const kernels = planKernels(hot);
  let dirty = new Uint8Array(0);
  return (given, firstRowNumber) => {
    const chunk = given.deferred ? parseDeferred(given) : given;
    hot.nulls.fill(0);
    for (const state of hot.mostlyState) {
      state.nonNull = 0;
      state.failed = 0;
      state.errors = [];
      state.counts = {};
    }
    const result: CellResult = { errors: [], blank: new Uint8Array(chunk.rowCount), nulls: hot.nulls, mostly: hot.mostlyState, chunk, screened: 0 };
    hot.collect = result;
    let clean = 0;
    if (kernels) {
      if (dirty.length < chunk.rowCount) dirty = new Uint8Array(chunk.rowCount * 2);
      clean = screenChunk(kernels, chunk, dirty);
    }
    try {
      processBatch(hot, { firstRowNumber, rowCount: chunk.rowCount, chunk, lines: chunk.lines }, kernels ? dirty : undefined);
    } finally {
      hot.collect = undefined;
    }
    // Clean rows have every cell present and passing.
    hot.mostly.forEach((threshold, j) => {
      if (threshold !== undefined) hot.mostlyState[j]!.nonNull += clean;
    });
    result.screened = clean;
    result.nulls = hot.nulls.slice();
    result.mostly = hot.mostlyState.map((state) => ({ ...state }));
    return result;
  };
}

/** Adds a chunk's null counts and `mostly` tallies, as if its rows had been checked here. */
export function mergeCells(setup: { nulls: Float64Array; mostlyState: MostlyState[] }, cells: CellResult): void {
  for (let j = 0; j < setup.nulls.length; j++) setup.nulls[j] = setup.nulls[j]! + cells.nulls[j]!;
  cells.mostly.forEach((part, j) => {
    const state = setup.mostlyState[j]!;
    state.nonNull += part.nonNull;
    state.failed += part.failed;
    for (const [code, count] of Object.entries(part.counts)) state.counts[code] = (state.counts[code] ?? 0) + count;
    for (const error of part.errors) if (state.errors.length < 1000) state.errors.push(error);
  });
}
