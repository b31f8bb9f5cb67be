// Drift statistics against scipy (issue 4), two parts:
//
// 1. Speed: every numeric and categorical column of a 2M-row table against a shifted 2M-row
//    reference. Numeric: ks_2samp, Evidently's normed Wasserstein, PSI and Jensen-Shannon on
//    Sturges bins; categorical: chi-square, PSI and Jensen-Shannon. Ours and the peer
//    (peers/drift_scipy.py: numpy + scipy + pandas) each run in their own process, start from the
//    same in-memory columns (loading untimed on both sides) and report the median of BENCH_RUNS
//    runs, their peak RSS, and the statistics, which must agree to 1e-9.
//    Floor: ours within 1.5x of scipy's total time.
// 2. Sketch mode on 5M rows per side (BENCH_SKETCH_ROWS): the KLL path (sketch above 1M values)
//    against the exact path, KS D and Wasserstein within the stated rank-error bound, peak RSS of
//    the sketch run bounded: it streams, and its peak RSS at twice the rows stays within 25%
//    (the exact run holds both columns).
//
// Ours runs from source through tsx (`node --import tsx`): this measures the statistics code,
// not the bundle, and needs no build. Run alone: `node scripts/bench/drift.mjs`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../lib/seeded-random.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const self = fileURLToPath(import.meta.url);
const python = process.env.MODELCI_PYTHON ?? (existsSync(join(root, '.venv/bin/python')) ? join(root, '.venv/bin/python') : 'python3');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const rows = Number(process.env.BENCH_DRIFT_ROWS ?? 2_000_000);
const sketchRows = Number(process.env.BENCH_SKETCH_ROWS ?? 5_000_000);

function gauss(r) {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = () => process.resourceUsage().maxRSS / 1024;

const SPEC = {
  numeric: ['amount', 'latency', 'score', 'age'],
  categorical: ['plan', 'country', 'churned'],
};

function generate(dir, n) {
  mkdirSync(dir, { recursive: true });
  for (const [side, seed, shift] of [['ref', 1, 0], ['cur', 2, 1]]) {
    const r = seededRandom(seed);
    const amount = new Float64Array(n);
    const latency = new Float64Array(n);
    const score = new Float64Array(n);
    const age = new Float64Array(n);
    const plan = new Array(n);
    const country = new Array(n);
    const churned = new Array(n);
    const plans = ['free', 'basic', 'pro', 'team', 'enterprise'];
    for (let i = 0; i < n; i++) {
      amount[i] = 100 + 20 * gauss(r) + 2 * shift;
      latency[i] = Math.exp(3 + 0.5 * gauss(r) + 0.05 * shift);
      score[i] = Math.round((r() + 0.02 * shift) * 10_000) / 100; // ties: 2 decimals
      age[i] = Math.floor(18 + r() * (62 + 3 * shift)); // integers
      plan[i] = plans[Math.min(4, Math.floor(Math.pow(r(), 1 + 0.2 * shift) * 5))];
      country[i] = `c${Math.floor(Math.pow(r(), 2 - 0.3 * shift) * 50)}`;
      churned[i] = r() < 0.2 + 0.03 * shift ? 'yes' : 'no';
    }
    for (const [name, values] of Object.entries({ amount, latency, score, age })) writeFileSync(join(dir, `${side}-${name}.f64`), Buffer.from(values.buffer));
    for (const [name, values] of Object.entries({ plan, country, churned })) writeFileSync(join(dir, `${side}-${name}.txt`), values.join('\n'));
  }
  writeFileSync(join(dir, 'columns.json'), JSON.stringify(SPEC));
}

async function worker(dir, nRuns) {
  const { readFileSync } = await import('node:fs');
  const { numericFromValues, categoricalFromValues } = await import('../../shared/stats/distribution.ts');
  const { ksTest, wassersteinNorm, psiEvidently, jensenShannon, chiSquare } = await import('../../shared/stats/methods.ts');
  const load = (side, name) => {
    const buf = readFileSync(join(dir, `${side}-${name}.f64`));
    return new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  };
  const cols = {};
  for (const name of SPEC.numeric) cols[name] = [load('ref', name), load('cur', name)];
  for (const name of SPEC.categorical) cols[name] = ['ref', 'cur'].map((side) => readFileSync(join(dir, `${side}-${name}.txt`), 'utf8').split('\n'));
  const seconds = [];
  let results = {};
  for (let run = 0; run < nRuns; run++) {
    results = {};
    const start = performance.now();
    for (const name of SPEC.numeric) {
      const ref = numericFromValues(cols[name][0]);
      const cur = numericFromValues(cols[name][1]);
      const ks = ksTest(ref, cur);
      results[name] = {
        ks: [ks.statistic, ks.pValue],
        wasserstein: wassersteinNorm(ref, cur).statistic,
        psi: psiEvidently(ref, cur).statistic,
        jensenshannon: jensenShannon(ref, cur).statistic,
      };
    }
    for (const name of SPEC.categorical) {
      const ref = categoricalFromValues(cols[name][0]);
      const cur = categoricalFromValues(cols[name][1]);
      const chi = chiSquare(ref, cur);
      results[name] = { chisquare: [chi.statistic, chi.pValue], psi: psiEvidently(ref, cur).statistic, jensenshannon: jensenShannon(ref, cur).statistic };
    }
    seconds.push((performance.now() - start) / 1000);
  }
  process.stdout.write(JSON.stringify({ seconds, results, peakRssMiB: mib() }));
}

async function sketchWorker(n, mode) {
  const { ColumnAccumulator } = await import('../../shared/drift/accumulate.ts');
  const { ksTest, wassersteinNorm } = await import('../../shared/stats/methods.ts');
  const { kllRankErrorBound } = await import('../../shared/stats/kll.ts');
  const start = performance.now();
  const dists = [];
  for (const [seed, shift] of [[11, 0], [12, 0.03]]) {
    const acc = new ColumnAccumulator({ sketchAbove: mode === 'sketch' ? 1_000_000 : Infinity, sketchK: 4096 });
    const r = seededRandom(seed);
    const batch = new Array(65_536);
    for (let done = 0; done < n; done += batch.length) {
      const size = Math.min(batch.length, n - done);
      batch.length = size;
      for (let i = 0; i < size; i++) batch[i] = 10 * gauss(r) + shift * 10;
      acc.add(batch);
    }
    dists.push(acc.distribution());
  }
  const ks = ksTest(dists[0], dists[1]);
  const w = wassersteinNorm(dists[0], dists[1]);
  const range = Math.max(dists[0].max, dists[1].max) - Math.min(dists[0].min, dists[1].min);
  process.stdout.write(
    JSON.stringify({
      ks: ks.statistic,
      wasserstein: w.statistic,
      eps: kllRankErrorBound(4096),
      range,
      std: Math.sqrt(dists[0].variance),
      retained: dists.map((d) => d.values.length),
      seconds: (performance.now() - start) / 1000,
      peakRssMiB: mib(),
    }),
  );
}

function child(args, label) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', self, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${label} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

function compare(ours, theirs) {
  let worst = 0;
  for (const [col, stats] of Object.entries(theirs)) {
    for (const [name, value] of Object.entries(stats)) {
      const a = [ours[col][name]].flat();
      const b = [value].flat();
      b.forEach((x, i) => (worst = Math.max(worst, Math.abs(a[i] - x) / Math.max(1, Math.abs(x)))));
    }
  }
  return worst;
}

async function main() {
  const dir = join(tmpdir(), 'modelci-bench-drift');
  rmSync(dir, { recursive: true, force: true });
  console.log(`drift: ${SPEC.numeric.length} numeric + ${SPEC.categorical.length} categorical columns, ${rows.toLocaleString('en')} rows vs a shifted ${rows.toLocaleString('en')}-row reference, ${runs} runs`);
  generate(dir, rows);
  const ours = child(['--worker', dir, String(runs)], 'modelci');
  const peer = spawnSync(python, [join(root, 'scripts/bench/peers/drift_scipy.py'), dir, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (peer.status !== 0) throw new Error(`scipy peer failed: ${peer.stderr}`);
  const scipy = JSON.parse(peer.stdout);
  const a = median(ours.seconds);
  const b = median(scipy.seconds);
  const ratio = a / b;
  console.log('| tool | median s | peak RSS MiB |');
  console.log('| --- | ---: | ---: |');
  console.log(`| modelci | ${a.toFixed(3)} | ${ours.peakRssMiB.toFixed(0)} |`);
  console.log(`| scipy + numpy + pandas | ${b.toFixed(3)} | ${scipy.peakRssMiB.toFixed(0)} |`);
  const diff = compare(ours.results, scipy.results);
  console.log(`ratio modelci/scipy: ${ratio.toFixed(2)} (floor <= 1.5) ${ratio <= 1.5 ? 'PASS' : 'FAIL'}`);
  console.log(`largest difference in a statistic: ${diff.toExponential(2)} ${diff <= 1e-9 ? 'PASS' : 'FAIL'}`);
  rmSync(dir, { recursive: true, force: true });

  console.log(`\ndrift sketch mode: ${sketchRows.toLocaleString('en')} rows per side, KLL k=4096 above 1M values, vs exact`);
  const exact = child(['--sketch', String(sketchRows), 'exact'], 'exact run');
  const sketch = child(['--sketch', String(sketchRows), 'sketch'], 'sketch run');
  const sketch2 = child(['--sketch', String(2 * sketchRows), 'sketch'], 'sketch run at twice the rows');
  const ksErr = Math.abs(sketch.ks - exact.ks);
  const ksBound = 2 * sketch.eps;
  const wErr = Math.abs(sketch.wasserstein - exact.wasserstein);
  const wBound = (2 * sketch.eps * exact.range) / exact.std;
  console.log('| run | KS D | Wasserstein | retained values | seconds | peak RSS MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| exact | ${exact.ks.toFixed(6)} | ${exact.wasserstein.toFixed(6)} | ${exact.retained.join(' + ')} | ${exact.seconds.toFixed(2)} | ${exact.peakRssMiB.toFixed(0)} |`);
  console.log(`| sketch | ${sketch.ks.toFixed(6)} | ${sketch.wasserstein.toFixed(6)} | ${sketch.retained.join(' + ')} | ${sketch.seconds.toFixed(2)} | ${sketch.peakRssMiB.toFixed(0)} |`);
  console.log(`| sketch, ${(2 * sketchRows).toLocaleString('en')} rows | ${sketch2.ks.toFixed(6)} | ${sketch2.wasserstein.toFixed(6)} | ${sketch2.retained.join(' + ')} | ${sketch2.seconds.toFixed(2)} | ${sketch2.peakRssMiB.toFixed(0)} |`);
  const flat = sketch2.peakRssMiB <= sketch.peakRssMiB * 1.25;
  console.log(`sketch memory bounded (peak RSS at 2x rows within 25%): ${flat ? 'PASS' : 'FAIL'}`);
  console.log(`KS |error| ${ksErr.toExponential(2)} <= bound ${ksBound.toExponential(2)}: ${ksErr <= ksBound ? 'PASS' : 'FAIL'}`);
  console.log(`Wasserstein |error| ${wErr.toExponential(2)} <= bound ${wBound.toExponential(2)}: ${wErr <= wBound ? 'PASS' : 'FAIL'}`);
  const fail = ratio > 1.5 || diff > 1e-9 || ksErr > ksBound || wErr > wBound || !flat;
  process.exit(fail ? 1 : 0);
}

const argv = process.argv.slice(2);
if (argv[0] === '--worker') await worker(argv[1], Number(argv[2]));
else if (argv[0] === '--sketch') await sketchWorker(Number(argv[1]), argv[2]);
else await main();
