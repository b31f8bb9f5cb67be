import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { rankingMetrics, type PreparedBinary } from './binary.js';
import { bootstrap, BOOTSTRAP_CHUNK, percentileInterval, type Interval } from './bootstrap.js';
import { rankingChunk, type RankingData } from './ranking-kernel.js';

export interface RankingBootstrapOptions {
  resamples: number;
  seed: number;
  confidence?: number;
  /** Worker threads; default the machine's parallelism. 1 runs in this thread. */
  threads?: number;
  /** Row-draws below which everything runs in this thread (tests lower it). */
  minParallelWork?: number;
}

/** Bootstraps below this many row-draws run in this thread: starting workers would cost more. */
const PARALLEL_MIN_WORK = 2e7;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const rankingChunk = (${String(rankingChunk)});
const out = workerData.chunks.map(([first, count]) => ({ first, ...rankingChunk(workerData.data, workerData.seed, first, count) }));
parentPort.postMessage(out);
`;

/**
 * The stratified bootstrap of roc_auc and average_precision, chunks of resamples spread over
 * worker threads. The numbers equal bootstrap() with the same seed, however many threads run.
 */
export async function rankingBootstrap(p: PreparedBinary, options: RankingBootstrapOptions): Promise<Record<'roc_auc' | 'average_precision', Interval>> {
  if (p.strata.some((s) => s.length >= 2097152)) {
    // The kernel's draw is exact below 2^21 rows per class; above, the generic path.
    const out = bootstrap(p.n, p.strata.filter((s) => s.length > 0), (mult) => rankingMetrics(p, mult), options);
    return { roc_auc: out.roc_auc!, average_precision: out.average_precision! };
  }
  const data: RankingData = { n: p.n, y: p.y, weight: p.weight, groupStart: p.groupStart, strata: p.strata.filter((s) => s.length > 0) };
  const chunks: [number, number][] = [];
  for (let first = 0; first < options.resamples; first += BOOTSTRAP_CHUNK) chunks.push([first, Math.min(BOOTSTRAP_CHUNK, options.resamples - first)]);
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), chunks.length));
  const auc = new Float64Array(options.resamples);
  const ap = new Float64Array(options.resamples);
  const place = (results: { first: number; auc: Float64Array; ap: Float64Array }[]) => {
    for (const r of results) {
      auc.set(r.auc, r.first);
      ap.set(r.ap, r.first);
    }
  };
  if (threads === 1 || p.n * options.resamples < (options.minParallelWork ?? PARALLEL_MIN_WORK)) {
    place(chunks.map(([first, count]) => ({ first, ...rankingChunk(data, options.seed, first, count) })));
  } else {
    const shares: [number, number][][] = Array.from({ length: threads }, () => []);
    chunks.forEach((chunk, i) => shares[i % threads]!.push(chunk));
    let results: { first: number; auc: Float64Array; ap: Float64Array }[][];
    try {
      results = await Promise.all(
        shares.map(
          (share) =>
            new Promise<{ first: number; auc: Float64Array; ap: Float64Array }[]>((resolve, reject) => {
              const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { data, seed: options.seed, chunks: share } });
              worker.once('message', (message) => {
                resolve(message as { first: number; auc: Float64Array; ap: Float64Array }[]);
                void worker.terminate();
              });
              worker.once('error', reject);
            }),
        ),
      );
    } catch {
      // No worker threads here (a sandbox, a resource limit): the same chunks in this thread.
      results = [chunks.map(([first, count]) => ({ first, ...rankingChunk(data, options.seed, first, count) }))];
    }
    for (const r of results) place(r);
  }
  const confidence = options.confidence ?? 0.95;
  return { roc_auc: percentileInterval(auc, confidence), average_precision: percentileInterval(ap, confidence) };
}
