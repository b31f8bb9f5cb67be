import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runShare, type KernelAnswer, type KernelShare, type KernelWorkerData } from '../../shared/metrics/kernels.js';
import { binaryEvaluator } from '../../shared/metrics/evaluator.js';
import type { RankingData } from '../../shared/metrics/ranking-kernel.js';
import { WorkerPool } from '../../shared/workers/pool.js';

const METRICS = { bundle: 'metrics-worker', source: 'metrics/metrics-worker.ts' };
const repoRoot = join(import.meta.dirname, '..', '..');

function rankingData(n: number): RankingData {
  const y = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const score = Float64Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 100);
  const { prepared } = binaryEvaluator({ y, score, weight: null }, { only: new Set(['roc_auc']) });
  return { n: prepared.n, y: prepared.y, weight: prepared.weight, groupStart: prepared.groupStart, strata: prepared.strata.filter((s) => s.length > 0) };
}

const workerData: KernelWorkerData = { kernel: 'ranking', data: rankingData(500), seed: 11 };
const shares: KernelShare[] = [[[0, 8]], [[8, 8]], [[16, 4]]];

describe('the worker pool', () => {
  it('starts the workers asked for from the source entry, and each answers what this thread computes', async () => {
    const pool = new WorkerPool<KernelShare, KernelAnswer<'ranking'>>(METRICS, 2, { workerData });
    try {
      expect(pool.started).toBe(2);
      const answers = await Promise.all(shares.map((share) => pool.run(share)));
      expect(pool.pending).toBe(0);
      answers.forEach((answer, i) => expect(answer).toEqual(runShare('ranking', workerData.data, workerData.seed, shares[i]!)));
    } finally {
      await pool.close();
    }
  });

  it('answers undefined (the caller computes it here) when the entry does not exist or the workers are gone', async () => {
    const missing = new WorkerPool<KernelShare, unknown>({ bundle: 'no-such-worker', source: 'metrics/no-such-worker.ts' }, 2);
    expect(missing.started).toBe(0);
    expect(await missing.run([[0, 1]])).toBeUndefined();
    const pool = new WorkerPool<KernelShare, unknown>(METRICS, 1, { workerData });
    await pool.close();
    expect(await pool.run([[0, 1]])).toBeUndefined();
  });

  it('the built bundle dist/metrics-worker/index.js answers as the source does', async () => {
    // dist/ is built by the global setup, as the release builds it.
    const worker = new Worker(join(repoRoot, 'dist', 'metrics-worker', 'index.js'), { workerData });
    try {
      const answer = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(shares[0]);
      });
      expect(answer).toEqual(runShare('ranking', workerData.data, workerData.seed, shares[0]!));
    } finally {
      await worker.terminate();
    }
  });
});
