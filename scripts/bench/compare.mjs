// compare at 1M rows (binary): the paired bootstrap of the change in roc_auc, accuracy and log_loss,
// 1000 resamples stratified by class, side by side with a vectorized numpy implementation of the
// same resampling (scripts/bench/peers/compare_numpy.py). Each side runs in its own process,
// alternating, so machine drift hits both alike; we report medians, the ratio and each side's
// peak RSS. Floor (issue 12): no slower than numpy; goal: half its time.
//
// The TypeScript side is imported from source through tsx, the same code the bundle contains; the
// data is handed to both sides as raw little-endian arrays so neither side's file parser is timed.
// The two sides draw different random rows, so their intervals agree only to bootstrap error; the
// full-data metric values must agree to 1e-9.
//
// BENCH_ROWS (default 1000000), BENCH_RESAMPLES (1000), BENCH_RUNS (3) override the sizes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { peerPython } from '../lib/peer-python.mjs';
import { seededRandom } from '../lib/seeded-random.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RESAMPLES = Number(process.env.BENCH_RESAMPLES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SEED = 20261206;
const NAMES = ['roc_auc', 'accuracy', 'log_loss'];

if (process.argv[2] === '--child') {
  const [labelsPath, championPath, challengerPath, resamples, seed] = process.argv.slice(3);
  const load = (path, Type) => {
    const bytes = readFileSync(path);
    return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const y = load(labelsPath, Uint8Array);
  const { binaryEvaluator } = await import(pathToFileURL(join(root, 'shared/metrics/evaluator.ts')).href);
  const { pairedBootstrap } = await import(pathToFileURL(join(root, 'shared/compare/paired-bootstrap.ts')).href);
  const t0 = performance.now();
  const model = (path) => {
    const evaluator = binaryEvaluator({ y, score: load(path, Float64Array), threshold: 0.5, bins: 10 }, { only: new Set(NAMES) });
    return { evaluator, rowOfPosition: evaluator.rowOfPosition, binary: evaluator.prepared };
  };
  const champion = model(championPath);
  const challenger = model(challengerPath);
  const strata = [0, 1].map((label) => {
    const rows = [];
    for (let row = 0; row < y.length; row++) if (y[row] === label) rows.push(row);
    return Uint32Array.from(rows);
  });
  const intervals = await pairedBootstrap(champion, challenger, NAMES, { resamples: Number(resamples), seed: Number(seed), confidence: 0.95, strata, rows: y.length });
  const t1 = performance.now();
  const full = (side) => Object.fromEntries(Object.entries(side.evaluator.evaluate(null)).filter(([name]) => NAMES.includes(name)).map(([name, m]) => [name, m.value]));
  console.log(JSON.stringify({
    total_s: (t1 - t0) / 1000,
    champion: full(champion),
    challenger: full(challenger),
    ci: Object.fromEntries(NAMES.map((name) => [name, intervals.get(name).ci])),
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  }));
  process.exit(0);
}

// Seeded data: 30% positives; two models whose scores share part of their noise (as two models of
// the same data do), rounded to 6 decimals so there are ties.
function makeData(dir) {
  const next = seededRandom(SEED);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const y = new Uint8Array(ROWS);
  const champion = new Float64Array(ROWS);
  const challenger = new Float64Array(ROWS);
  const logistic = (z) => Math.round(1e6 / (1 + Math.exp(-z))) / 1e6;
  for (let i = 0; i < ROWS; i++) {
    y[i] = next() < 0.3 ? 1 : 0;
    const sign = y[i] ? 1 : -1;
    const common = normal();
    champion[i] = logistic(0.9 * sign + 0.8 * common + 0.6 * normal());
    challenger[i] = logistic(1.0 * sign + 0.8 * common + 0.6 * normal());
  }
  const paths = { labels: join(dir, 'labels.u8'), champion: join(dir, 'champion.f64'), challenger: join(dir, 'challenger.f64') };
  writeFileSync(paths.labels, y);
  writeFileSync(paths.champion, new Uint8Array(champion.buffer));
  writeFileSync(paths.challenger, new Uint8Array(challenger.buffer));
  return paths;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = result.stdout?.trim().split('\n').pop();
  if (result.status !== 0 || !last) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}`);
  return JSON.parse(last);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'modelci-bench-compare-'));
try {
  const paths = makeData(dir);
  const args = [paths.labels, paths.champion, paths.challenger, String(RESAMPLES), String(SEED)];
  const sides = {
    'modelci (TypeScript)': () => run(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...args]),
    numpy: () => run(peerPython(), [join(root, 'scripts/bench/peers/compare_numpy.py'), ...args]),
  };
  const results = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, side] of Object.entries(sides)) results[name].push(side());

  console.log(`compare, binary, ${ROWS.toLocaleString('en')} rows: paired bootstrap of the change in ${NAMES.join(', ')}, ${RESAMPLES} resamples; median of ${RUNS} runs`);
  console.log(`| side | time (s) | peak RSS (MB) | ${NAMES.map((name) => `95% CI of the change in ${name}`).join(' | ')} |`);
  console.log(`| --- | ---: | ---: | ${NAMES.map(() => '---').join(' | ')} |`);
  for (const [name, runs] of Object.entries(results)) {
    const last = runs[runs.length - 1];
    console.log(`| ${name} | ${median(runs.map((r) => r.total_s)).toFixed(2)} | ${Math.max(...runs.map((r) => r.peak_rss_mb)).toFixed(0)} | ${NAMES.map((metric) => `[${last.ci[metric].map((v) => v.toFixed(5)).join(', ')}]`).join(' | ')} |`);
  }
  const ours = median(results['modelci (TypeScript)'].map((r) => r.total_s));
  const theirs = median(results.numpy.map((r) => r.total_s));
  const verdict = ours <= theirs / 2 ? 'goal met: at most half of numpy' : ours <= theirs ? 'floor met: not slower than numpy' : 'FLOOR MISSED: slower than numpy';
  console.log(`\nratio (modelci time / numpy time): ${(ours / theirs).toFixed(2)}x (${verdict})`);
  const a = results['modelci (TypeScript)'][0];
  const b = results.numpy[0];
  const worst = Math.max(...['champion', 'challenger'].flatMap((side) => NAMES.map((metric) => Math.abs(a[side][metric] - b[side][metric]))));
  console.log(`full-data values agree with numpy: max |diff| = ${worst.toExponential(2)}`);
  if (worst > 1e-9) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
