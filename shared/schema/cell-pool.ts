import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CsvChunk } from '../data/csv-bytes.js';
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

/**
 * Where the worker's code is. Built (dist/): the `validate-worker` bundle that scripts/build.mjs
 * writes next to the chunk holding this code. From source (tsx, vitest): validate-worker.ts,
 * loaded through tsx's API. Undefined when neither is there: then everything runs on this thread.
 */
function workerTarget(): { file: string; eval: boolean } | undefined {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    const match = /((?:file:\/\/)?\/[^\s()]+?):\d+:\d+\)?\s*$/.exec(frame);
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    const dir = dirname(file);
    if (/\.ts$/.test(file)) {
      const source = join(dir, 'validate-worker.ts');
      // Workers do not inherit tsx's loader: the worker registers it, then imports the entry.
      const bootstrap = `import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(pathToFileURL(source).href)}, ${JSON.stringify(pathToFileURL(dir).href + '/')}));`;
      return existsSync(source) ? { file: bootstrap, eval: true } : undefined;
    }
    const built = join(dir, 'validate-worker', 'index.js');
    return existsSync(built) ? { file: built, eval: false } : undefined;
  }
  return undefined;
}

/**
 * What worker threads did in this process (tests check the workers really ran): chunks answered,
 * chunks sent unparsed, and bad-input errors they reported.
 */
export const workerStats = { chunks: 0, deferred: 0, failures: 0 };

interface Slot {
  worker: Worker;
  waiting: ((result: CellResult | undefined) => void)[];
  dead: boolean;
}

/**
 * Worker threads that check the cells of CSV chunks. Each answers its chunks in the order given.
 * A chunk whose worker could not start or died resolves to undefined, and the caller checks it
 * on its own thread, so the results are the same with or without workers.
 */
export class CellPool {
  private readonly slots: Slot[] = [];
  private next = 0;

  constructor(threads: number, data: CellWorkerData) {
    const target = workerTarget();
    if (!target) return;
    for (let i = 0; i < threads; i++) {
      let worker: Worker;
      try {
        worker = new Worker(target.file, { workerData: data, eval: target.eval, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      } catch {
        break;
      }
      const slot: Slot = { worker, waiting: [], dead: false };
      const fail = () => {
        slot.dead = true;
        for (const resolve of slot.waiting.splice(0)) resolve(undefined);
      };
      worker.on('message', (message: CellResult) => {
        workerStats.chunks++;
        if (message.failure) workerStats.failures++;
        slot.waiting.shift()?.(message);
      });
      worker.on('error', fail);
      worker.on('messageerror', fail);
      worker.on('exit', fail);
      this.slots.push(slot);
    }
  }

  /** Threads started (at least 1, so the caller's queue depth stays sensible). */
  get size(): number {
    return Math.max(1, this.slots.length);
  }

  /** Chunks sent and not answered yet. */
  get pending(): number {
    let count = 0;
    for (const slot of this.slots) if (!slot.dead) count += slot.waiting.length;
    return count;
  }

  run(chunk: CsvChunk, firstRowNumber: number): Promise<CellResult | undefined> {
    for (let tries = 0; tries < this.slots.length; tries++) {
      const slot = this.slots[this.next++ % this.slots.length]!;
      if (slot.dead) continue;
      return new Promise((resolve) => {
        slot.waiting.push(resolve);
        try {
          // Transferred, not copied: the worker sends the same memory back with its answer.
          slot.worker.postMessage({ chunk: plainChunk(chunk), firstRowNumber }, chunkBuffers(chunk));
          if (chunk.deferred) workerStats.deferred++;
        } catch {
          slot.waiting.pop();
          resolve(undefined);
        }
      });
    }
    return Promise.resolve(undefined);
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const slot of slots) slot.dead = true;
    await Promise.all(slots.map((slot) => slot.worker.terminate().catch(() => undefined)));
  }
}

/** The chunk's fields as a plain object (what postMessage can clone). */
export function plainChunk(chunk: CsvChunk): CsvChunk {
  const { buf, ascii, rowCount, rowOffsets, starts, ends, escaped, lines, deferred } = chunk;
  return { buf, ascii, rowCount, rowOffsets, starts, ends, escaped, lines, ...(deferred ? { deferred } : {}) };
}

/** The ArrayBuffers under a chunk, for a transfer list. */
export function chunkBuffers(chunk: CsvChunk): ArrayBuffer[] {
  return [chunk.buf, chunk.rowOffsets, chunk.starts, chunk.ends, chunk.escaped, chunk.lines].map((view) => view.buffer as ArrayBuffer);
}
