// Worker thread entry for the metrics bootstraps (see parallel.ts): the real kernels, imported.
// scripts/build.mjs bundles it as dist/metrics-worker/index.js.
import { parentPort, workerData } from 'node:worker_threads';
import { runShare, type KernelShare, type KernelWorkerData } from './kernels.js';

const { kernel, data, seed } = workerData as KernelWorkerData;
parentPort!.on('message', (share: KernelShare) => {
  parentPort!.postMessage(runShare(kernel, data, seed, share));
});
