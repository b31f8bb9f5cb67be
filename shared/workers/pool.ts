import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/**
 * A worker thread entry: `bundle` is its row in scripts/build.mjs's table of worker entries
 * (built as dist/<bundle>/index.js), `source` its module under shared/ (e.g. 'metrics/metrics-worker.ts').
 */
export interface WorkerEntry {
  bundle: string;
  source: string;
}

/**
 * Where a worker entry's code is. Built (dist/): the entry's bundle that scripts/build.mjs writes
 * next to the chunk holding this code. From source (tsx, vitest): the .ts entry, loaded through
 * tsx's API. Undefined when neither is there: then the caller runs everything on this thread.
 */
function workerTarget(entry: WorkerEntry): { file: string; eval: boolean } | undefined {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const frame of frames) {
    const match = /((?:file:\/\/)?\/[^\s()]+?):\d+:\d+\)?\s*$/.exec(frame);
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    const dir = dirname(file);
    if (/\.ts$/.test(file)) {
      // This file is shared/workers/pool.ts: entries are named from shared/.
      const source = join(dir, '..', entry.source);
      const parent = dirname(source);
      // Workers do not inherit tsx's loader: the worker registers it, then imports the entry.
      const bootstrap = `import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(pathToFileURL(source).href)}, ${JSON.stringify(pathToFileURL(parent).href + '/')}));`;
      return existsSync(source) ? { file: bootstrap, eval: true } : undefined;
    }
    const built = join(dir, entry.bundle, 'index.js');
    return existsSync(built) ? { file: built, eval: false } : undefined;
  }
  return undefined;
}

interface Slot<Answer> {
  worker: Worker;
  waiting: ((answer: Answer | undefined) => void)[];
  dead: boolean;
}

export interface WorkerPoolOptions {
  /** Handed to every worker as its workerData (structured-cloned once per worker). */
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
}

/**
 * Worker threads started from one worker entry. Work goes round-robin; each worker answers its
 * messages in the order given (one answer per message). A message whose worker could not start
 * or died resolves to undefined, and the caller does that work on its own thread: callers keep
 * their results identical with or without workers.
 */
export class WorkerPool<Message, Answer> {
  private readonly slots: Slot<Answer>[] = [];
  private next = 0;

  constructor(entry: WorkerEntry, threads: number, options: WorkerPoolOptions = {}) {
    const target = threads > 0 ? workerTarget(entry) : undefined;
    if (!target) return;
    for (let i = 0; i < threads; i++) {
      let worker: Worker;
      try {
        worker = new Worker(target.file, {
          eval: target.eval,
          workerData: options.workerData,
          ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
        });
      } catch {
        break;
      }
      const slot: Slot<Answer> = { worker, waiting: [], dead: false };
      const fail = () => {
        slot.dead = true;
        for (const resolve of slot.waiting.splice(0)) resolve(undefined);
      };
      worker.on('message', (answer: Answer) => slot.waiting.shift()?.(answer));
      worker.on('error', fail);
      worker.on('messageerror', fail);
      worker.on('exit', fail);
      this.slots.push(slot);
    }
  }

  /** Workers started. */
  get started(): number {
    return this.slots.length;
  }

  /** Messages sent and not answered yet. */
  get pending(): number {
    let count = 0;
    for (const slot of this.slots) if (!slot.dead) count += slot.waiting.length;
    return count;
  }

  /**
   * Posts `message` (with `transfer` moved, not copied) to the next live worker; resolves to its
   * answer, or to undefined when no worker could take it or the worker failed.
   */
  run(message: Message, transfer: readonly Transferable[] = []): Promise<Answer | undefined> {
    for (let tries = 0; tries < this.slots.length; tries++) {
      const slot = this.slots[this.next++ % this.slots.length]!;
      if (slot.dead) continue;
      return new Promise((resolve) => {
        slot.waiting.push(resolve);
        try {
          slot.worker.postMessage(message, transfer);
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
