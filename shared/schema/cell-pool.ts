import { availableParallelism } from 'node:os';
import { chunkBuffers, plainChunk, type CsvChunk } from '../data/csv-chunk.js';
import { WorkerPool, type WorkerEntry } from '../workers/pool.js';
import type { CellResult } from './cell-result.js';

/** What a cell worker needs to rebuild the checks: the header and the schema's own text. */
export interface CellWorkerData {
  header: string[];
  headerLine: number | undefined;
  file: string;
  text: string;
}

/** Default threads for validate-data: the machine's parallelism, at most 2 (this thread and one worker). */
export function cellThreads(): number {
  return Math.min(2, availableParallelism());
}

/** validate-data's worker entry: a row of scripts/build.mjs's table of worker entries. */
const CELL_WORKER: WorkerEntry = { bundle: 'validate-worker', source: 'schema/validate-worker.ts' };

/** Told of each chunk a worker answered (tests observe that the workers really ran). */
export interface CellPoolObserver {
  answered(chunk: { deferred: boolean; failed: boolean }): void;
}

interface CellMessage {
  chunk: CsvChunk;
  firstRowNumber: number;
}

/**
 * Worker threads that check the cells of CSV chunks. Each answers its chunks in the order given.
 * A chunk whose worker could not start or died resolves to undefined, and the caller checks it
 * on its own thread, so the results are the same with or without workers.
 */
export class CellPool {
  private readonly pool: WorkerPool<CellMessage, CellResult>;

  constructor(
    threads: number,
    data: CellWorkerData,
    private readonly observer?: CellPoolObserver,
  ) {
    this.pool = new WorkerPool(CELL_WORKER, threads, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  }

  /** Threads started (at least 1, so the caller's queue depth stays sensible). */
  get size(): number {
    return Math.max(1, this.pool.started);
  }

  /** Chunks sent and not answered yet. */
  get pending(): number {
    return this.pool.pending;
  }

  async run(chunk: CsvChunk, firstRowNumber: number): Promise<CellResult | undefined> {
    // Transferred, not copied: the worker sends the same memory back with its answer.
    const deferred = chunk.deferred !== undefined;
    const answer = await this.pool.run({ chunk: plainChunk(chunk), firstRowNumber }, chunkBuffers(chunk));
    if (answer) this.observer?.answered({ deferred, failed: answer.failure !== undefined });
    return answer;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
