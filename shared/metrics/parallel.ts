import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { binaryMetricsFromStats, binaryStats, rankingMetrics, type BinaryStats, type PreparedBinary } from './binary.js';
import { bootstrap, BOOTSTRAP_CHUNK, percentileInterval, type Interval } from './bootstrap.js';
import { pairedBinaryChunk, type PairedBinaryData } from './paired-kernel.js';
import { binaryChunk, rankingChunk, type BinaryData, type RankingData } from './ranking-kernel.js';
import type { MetricValues } from './types.js';

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
const kernels = { ranking: (${String(rankingChunk)}), binary: (${String(binaryChunk)}), paired: (${String(pairedBinaryChunk)}) };
const kernel = kernels[workerData.kernel];
const out = workerData.chunks.map(([first, count]) => ({ first, result: kernel(workerData.data, workerData.seed, first, count) }));
parentPort.postMessage(out);
`;

type Kernel = 'ranking' | 'binary' | 'paired';
type ChunkResult<K extends Kernel> = K extends 'ranking' ? { auc: Float64Array; ap: Float64Array } : Float64Array;
type KernelData = RankingData | BinaryData | PairedBinaryData;

function runKernel<K extends Kernel>(kernel: K, data: KernelData, seed: number, first: number, count: number): ChunkResult<K> {
  if (kernel === 'paired') return pairedBinaryChunk(data as PairedBinaryData, seed, first, count) as ChunkResult<K>;
  return (kernel === 'ranking' ? rankingChunk(data as RankingData, seed, first, count) : binaryChunk(data as BinaryData, seed, first, count)) as ChunkResult<K>;
}

/** Row-draws per resample: what decides whether workers pay off. */
function drawsPerResample(data: KernelData): number {
  return 'models' in data ? 2 * data.rows : data.n;
}

/** Runs the chunks of resamples on worker threads (or here, when small or when workers fail). */
async function runChunks<K extends Kernel>(
  kernel: K,
  data: KernelData,
  options: RankingBootstrapOptions,
): Promise<{ first: number; result: ChunkResult<K> }[]> {
  const chunks: [number, number][] = [];
  for (let first = 0; first < options.resamples; first += BOOTSTRAP_CHUNK) chunks.push([first, Math.min(BOOTSTRAP_CHUNK, options.resamples - first)]);
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), chunks.length));
  const here = () => chunks.map(([first, count]) => ({ first, result: runKernel(kernel, data, options.seed, first, count) }));
  if (threads === 1 || drawsPerResample(data) * options.resamples < (options.minParallelWork ?? PARALLEL_MIN_WORK)) return here();
  const shares: [number, number][][] = Array.from({ length: threads }, () => []);
  chunks.forEach((chunk, i) => shares[i % threads]!.push(chunk));
  try {
    const parts = await Promise.all(
      shares.map(
        (share) =>
          new Promise<{ first: number; result: ChunkResult<K> }[]>((resolve, reject) => {
            const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { kernel, data, seed: options.seed, chunks: share } });
            worker.once('message', (message) => {
              resolve(message as { first: number; result: ChunkResult<K> }[]);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
    return parts.flat();
  } catch {
    // No worker threads here (a sandbox, a resource limit): the same chunks in this thread.
    return here();
  }
}

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
  const auc = new Float64Array(options.resamples);
  const ap = new Float64Array(options.resamples);
  for (const { first, result } of await runChunks('ranking', data, options)) {
    auc.set(result.auc, first);
    ap.set(result.ap, first);
  }
  const confidence = options.confidence ?? 0.95;
  return { roc_auc: percentileInterval(auc, confidence), average_precision: percentileInterval(ap, confidence) };
}

/** The BinaryStats a kernel wrote at `at` (layout: 12 sums, then the bins' weight, score and positives). */
function statsAt(result: Float64Array, at: number, bins: number): BinaryStats {
  return {
    total: result[at]!,
    rows: result[at + 1]!,
    tp: result[at + 2]!,
    fp: result[at + 3]!,
    tn: result[at + 4]!,
    fn: result[at + 5]!,
    rowsPositive: result[at + 6]!,
    rowsNegative: result[at + 7]!,
    area: result[at + 8]!,
    apSum: result[at + 9]!,
    logLoss: result[at + 10]!,
    brier: result[at + 11]!,
    binWeight: result.slice(at + 12, at + 12 + bins),
    binScore: result.slice(at + 12 + bins, at + 12 + 2 * bins),
    binPositive: result.slice(at + 12 + 2 * bins, at + 12 + 3 * bins),
  };
}

/**
 * The paired bootstrap of two binary models on worker threads: every resample draws one
 * multiplicity per row and scores both models on it. Returns each resample's metrics of the
 * champion and the challenger, equal to evaluating both on drawMultiplicities() with
 * Rng(chunkSeed(seed, first)) per chunk, however many threads run.
 */
export async function pairedBinaryBootstrap(data: PairedBinaryData, probabilities: [boolean, boolean], options: RankingBootstrapOptions): Promise<[MetricValues, MetricValues][]> {
  const stride = 12 + 3 * data.models[0].bins;
  const out: [MetricValues, MetricValues][] = new Array(options.resamples);
  for (const { first, result } of await runChunks('paired', data, options)) {
    for (let r = 0; r * 2 * stride < result.length; r++) {
      const at = 2 * r * stride;
      out[first + r] = [
        binaryMetricsFromStats(statsAt(result, at, data.models[0].bins), probabilities[0]),
        binaryMetricsFromStats(statsAt(result, at + stride, data.models[1].bins), probabilities[1]),
      ];
    }
  }
  return out;
}

/**
 * The stratified bootstrap of every binary metric: per-resample sufficient statistics on worker
 * threads, metrics from them here. Equal to bootstrap() with binaryStats, whatever the threads.
 */
export async function binaryBootstrap(p: PreparedBinary, options: RankingBootstrapOptions): Promise<Record<string, Interval>> {
  const strata = p.strata.filter((s) => s.length > 0);
  if (strata.some((s) => s.length >= 2097152)) {
    return bootstrap(p.n, strata, (mult) => binaryMetricsFromStats(binaryStats(p, mult), p.probabilities), options);
  }
  const data: BinaryData = { n: p.n, y: p.y, weight: p.weight, groupStart: p.groupStart, strata, pred: p.pred, score: p.score, logLoss: p.logLoss, brier: p.brier, bin: p.bin, bins: p.bins };
  const stride = 12 + 3 * p.bins;
  const samples = new Map<string, Float64Array>();
  for (const { first, result } of await runChunks('binary', data, options)) {
    for (let r = 0; r * stride < result.length; r++) {
      const stats = statsAt(result, r * stride, p.bins);
      for (const [name, metric] of Object.entries(binaryMetricsFromStats(stats, p.probabilities))) {
        let column = samples.get(name);
        if (!column) samples.set(name, (column = new Float64Array(options.resamples).fill(NaN)));
        column[first + r] = metric.value ?? NaN;
      }
    }
  }
  const confidence = options.confidence ?? 0.95;
  return Object.fromEntries([...samples].map(([name, column]) => [name, percentileInterval(column, confidence)]));
}
