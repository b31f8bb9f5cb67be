// evaluate at 1M rows (binary): every binary metric plus a 1000-resample stratified bootstrap of
// ROC AUC, side by side with numpy/scikit-learn doing the same (scripts/bench/peers/evaluate_sklearn.py,
// a vectorized numpy bootstrap that sorts once and bincounts each resample). Each side runs in its
// own process, alternating, so machine drift hits both alike; we report medians, the ratio and
// each side's peak RSS. Floor (issue 11): modelci within 0.6x of the Python script's time; goal 0.5x.
//
// The TypeScript side is imported from source through tsx (`node --import tsx`), the same code
// the bundle contains; the data is handed to both sides as raw little-endian arrays so neither
// side's file parser is measured.
//
// BENCH_ROWS (default 1000000), BENCH_RESAMPLES (1000), BENCH_RUNS (3) override the sizes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { peerPython } from '../lib/peer-python.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RESAMPLES = Number(process.env.BENCH_RESAMPLES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SEED = 20261123;

if (process.argv[2] === '--child') {
  // The TypeScript side, in its own process.
  const [labelsPath, scoresPath, resamples, seed] = process.argv.slice(3);
  const load = (path, Type) => {
    const bytes = readFileSync(path);
    return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const y = load(labelsPath, Uint8Array);
  const score = load(scoresPath, Float64Array);
  const { binaryEvaluator } = await import(pathToFileURL(join(root, 'shared/metrics/evaluator.ts')).href);
  const { binaryStats, binaryConfusion } = await import(pathToFileURL(join(root, 'shared/metrics/binary.ts')).href);
  const { summarize } = await import(pathToFileURL(join(root, 'shared/metrics/summary.ts')).href);
  const t0 = performance.now();
  const evaluator = binaryEvaluator({ y, score });
  const metrics = evaluator.evaluate(null);
  binaryConfusion(binaryStats(evaluator.prepared, null));
  const t1 = performance.now();
  // What `modelci evaluate --metrics roc_auc` runs: the stratified bootstrap on worker threads.
  const only = new Set(['roc_auc']);
  const ranking = binaryEvaluator({ y, score }, { only });
  const ci = (await summarize(ranking, { bootstrap: Number(resamples), seed: Number(seed), confidence: 0.95, only })).roc_auc.ci;
  const t2 = performance.now();
  console.log(JSON.stringify({
    metrics_s: (t1 - t0) / 1000,
    bootstrap_s: (t2 - t1) / 1000,
    total_s: (t2 - t0) / 1000,
    roc_auc: metrics.roc_auc.value,
    ci,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }));
  process.exit(0);
}

// Seeded data: 30% positives, logistic scores rounded to 6 decimals (so there are ties, as real
// probabilities written to CSV have).
function makeData(dir) {
  let state = SEED >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const y = new Uint8Array(ROWS);
  const score = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    y[i] = next() < 0.3 ? 1 : 0;
    const noise = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    score[i] = Math.round(1e6 / (1 + Math.exp(-(y[i] ? 1 : -1) - noise))) / 1e6;
  }
  const labelsPath = join(dir, 'labels.u8');
  const scoresPath = join(dir, 'scores.f64');
  writeFileSync(labelsPath, y);
  writeFileSync(scoresPath, new Uint8Array(score.buffer));
  return { labelsPath, scoresPath };
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const dir = mkdtempSync(join(tmpdir(), 'modelci-bench-evaluate-'));
try {
  const { labelsPath, scoresPath } = makeData(dir);
  const args = [labelsPath, scoresPath, String(RESAMPLES), String(SEED)];
  const sides = {
    'modelci (TypeScript)': () => run(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...args]),
    'numpy + scikit-learn': () => run(peerPython(), [join(root, 'scripts/bench/peers/evaluate_sklearn.py'), ...args]),
  };
  const results = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, side] of Object.entries(sides)) results[name].push(side());

  console.log(`evaluate, binary, ${ROWS.toLocaleString('en')} rows: all binary metrics + ${RESAMPLES}-resample bootstrap of roc_auc; median of ${RUNS} runs`);
  console.log('| side | metrics (s) | bootstrap (s) | total (s) | peak RSS (MB) | roc_auc | 95% CI |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const [name, runs] of Object.entries(results)) {
    const m = (key) => median(runs.map((r) => r[key]));
    const last = runs[runs.length - 1];
    console.log(`| ${name} | ${m('metrics_s').toFixed(2)} | ${m('bootstrap_s').toFixed(2)} | ${m('total_s').toFixed(2)} | ${Math.max(...runs.map((r) => r.peak_rss_mb)).toFixed(0)} | ${last.roc_auc.toFixed(6)} | [${last.ci.map((v) => v.toFixed(4)).join(', ')}] |`);
  }
  const ours = median(results['modelci (TypeScript)'].map((r) => r.total_s));
  const theirs = median(results['numpy + scikit-learn'].map((r) => r.total_s));
  const aucOurs = results['modelci (TypeScript)'][0].roc_auc;
  const aucTheirs = results['numpy + scikit-learn'][0].roc_auc;
  // Issue 11: modelci's time as a share of theirs; the floor is 0.6x, the goal 0.5x.
  const share = ours / theirs;
  const verdict = share <= 0.5 ? 'goal met (<= 0.5x)' : share <= 0.6 ? 'floor met (<= 0.6x), goal 0.5x not yet' : 'FLOOR MISSED (> 0.6x)';
  console.log(`\nmodelci time / numpy + scikit-learn time: ${share.toFixed(3)}x, ${verdict}; they take ${(theirs / ours).toFixed(2)}x as long`);
  console.log(`roc_auc agrees with scikit-learn: |diff| = ${Math.abs(aucOurs - aucTheirs).toExponential(2)}`);
  if (Math.abs(aucOurs - aucTheirs) > 1e-9) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
