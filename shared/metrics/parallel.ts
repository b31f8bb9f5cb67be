import { availableParallelism } from 'node:os';
import { binaryMetricsFromStats, binaryStats, rankingMetrics, type BinaryStats, type PreparedBinary } from './binary.js';
import { bootstrap, BOOTSTRAP_CHUNK, percentileInterval, type Interval } from './bootstrap.js';
import { KERNEL_MAX_STRATUM, runShare, type Kernel, type KernelAnswer, type KernelData, type KernelShare, type KernelWorkerData } from './kernels.js';
import type { PairedBinaryData } from './paired-kernel.js';
import type { BinaryData, RankingData } from './ranking-kernel.js';
import { WorkerPool, type WorkerEntry } from '../workers/pool.js';
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

/** The metrics workers' entry: a row of scripts/build.mjs's table of worker entries. */
const METRICS_WORKER: WorkerEntry = { bundle: 'metrics-worker', source: 'metrics/metrics-worker.ts' };

/** Row-draws per resample: what decides whether workers pay off. */
function drawsPerResample(data: KernelData): number {
  return 'models' in data ? 2 * data.rows : data.n;
}

/** Runs the chunks of resamples on worker threads (or here, when small or when workers fail). */
async function runChunks<K extends Kernel>(kernel: K, data: KernelData, options: RankingBootstrapOptions): Promise<KernelAnswer<K>> {
  const chunks: KernelShare = [];
  for (let first = 0; first < options.resamples; first += BOOTSTRAP_CHUNK) chunks.push([first, Math.min(BOOTSTRAP_CHUNK, options.resamples - first)]);
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), chunks.length));
  if (threads === 1 || drawsPerResample(data) * options.resamples < (options.minParallelWork ?? PARALLEL_MIN_WORK)) return runShare(kernel, data, options.seed, chunks);
  const shares: KernelShare[] = Array.from({ length: threads }, () => []);
  chunks.forEach((chunk, i) => shares[i % threads]!.push(chunk));
  const workerData: KernelWorkerData = { kernel, data, seed: options.seed };
  const pool = new WorkerPool<KernelShare, KernelAnswer<K>>(METRICS_WORKER, threads, { workerData });
  try {
    // A share whose worker failed (no worker threads here: a sandbox, a resource limit) runs in
    // this thread: each chunk has its own seed, so the numbers are the same.
    const parts = await Promise.all(shares.map((share) => pool.run(share)));
    return parts.flatMap((part, i) => part ?? runShare(kernel, data, options.seed, shares[i]!));
  } finally {
    await pool.close();
  }
}

/**
 * The stratified bootstrap of roc_auc and average_precision, chunks of resamples spread over
 * worker threads. The numbers equal bootstrap() with the same seed, however many threads run.
 */
export async function rankingBootstrap(p: PreparedBinary, options: RankingBootstrapOptions): Promise<Record<'roc_auc' | 'average_precision', Interval>> {
  if (p.strata.some((s) => s.length >= KERNEL_MAX_STRATUM)) {
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
  if (strata.some((s) => s.length >= KERNEL_MAX_STRATUM)) {
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
