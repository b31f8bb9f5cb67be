import { pairedBinaryChunk, type PairedBinaryData } from './paired-kernel.js';
import { binaryChunk, rankingChunk, type BinaryData, type RankingData } from './ranking-kernel.js';

/**
 * The kernels draw with rng.ts's drawCounts, Rng.nextInt's draw, which is exact for fewer than
 * 2^21 choices (Lemire's method in doubles): a stratum this large goes to the generic bootstrap instead.
 */
export const KERNEL_MAX_STRATUM = 2097152;

/** The bootstrap kernels that run on worker threads (metrics-worker.ts) and on this thread alike. */
export type Kernel = 'ranking' | 'binary' | 'paired';
export type ChunkResult<K extends Kernel> = K extends 'ranking' ? { auc: Float64Array; ap: Float64Array } : Float64Array;
export type KernelData = RankingData | BinaryData | PairedBinaryData;

/** What a metrics worker gets once (its workerData), then a share of chunks per message. */
export interface KernelWorkerData {
  kernel: Kernel;
  data: KernelData;
  seed: number;
}

/** A share of chunks: [first resample, count] each. */
export type KernelShare = [number, number][];

export type KernelAnswer<K extends Kernel> = { first: number; result: ChunkResult<K> }[];

export function runKernel<K extends Kernel>(kernel: K, data: KernelData, seed: number, first: number, count: number): ChunkResult<K> {
  if (kernel === 'paired') return pairedBinaryChunk(data as PairedBinaryData, seed, first, count) as ChunkResult<K>;
  return (kernel === 'ranking' ? rankingChunk(data as RankingData, seed, first, count) : binaryChunk(data as BinaryData, seed, first, count)) as ChunkResult<K>;
}

/** The chunks of one share, in order. */
export function runShare<K extends Kernel>(kernel: K, data: KernelData, seed: number, share: KernelShare): KernelAnswer<K> {
  return share.map(([first, count]) => ({ first, result: runKernel(kernel, data, seed, first, count) }));
}
