// The TypeScript side of scripts/bench/evaluate.mjs, in its own process: all binary metrics, then
// the 1000-resample stratified bootstrap of roc_auc on worker threads, as `modelci evaluate` runs
// them. evaluate.mjs bundles this file with ncc beside dist/metrics-worker, so the workers run the
// built code as users get it (from source, each worker would load tsx and transpile).
import { readFileSync } from 'node:fs';
import { binaryEvaluator } from '../../shared/metrics/evaluator.js';
import { binaryConfusion, binaryStats } from '../../shared/metrics/binary.js';
import { summarize } from '../../shared/metrics/summary.js';

async function main(): Promise<void> {
  const [labelsPath, scoresPath, resamples, seed] = process.argv.slice(2);
  const load = <T>(path: string, Type: new (buffer: ArrayBuffer) => T): T => {
    const bytes = readFileSync(path);
    return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  };
  const y = load(labelsPath!, Uint8Array);
  const score = load(scoresPath!, Float64Array);
  const t0 = performance.now();
  const evaluator = binaryEvaluator({ y, score });
  const metrics = evaluator.evaluate(null);
  binaryConfusion(binaryStats(evaluator.prepared, null));
  const t1 = performance.now();
  const only = new Set(['roc_auc']);
  const ranking = binaryEvaluator({ y, score }, { only });
  const ci = (await summarize(ranking, { bootstrap: Number(resamples), seed: Number(seed), confidence: 0.95, only })).roc_auc!.ci;
  const t2 = performance.now();
  console.log(JSON.stringify({
    metrics_s: (t1 - t0) / 1000,
    bootstrap_s: (t2 - t1) / 1000,
    total_s: (t2 - t0) / 1000,
    roc_auc: metrics.roc_auc!.value,
    ci,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }));
}

void main().then(() => process.exit(0));
