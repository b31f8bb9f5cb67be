// validate-data against named peers on the same file and the same checks (issues 3 and 15):
// pandas + pandera, DuckDB with 1 and 2 threads running the checks as SQL, and polars (the
// CSV with 2 threads; the same rows as Parquet with 1 and 2 threads, beside DuckDB on it).
// Ours runs as users run it: the built CLI (bin/modelci.js over dist/, so `npm run build`
// first; `npm run bench` does). MODELCI_BENCH_SOURCE=1 runs shared/main.ts through tsx instead.
// Every tool is timed and its peak RSS taken from outside by peers/validate_measure.py.
// Floors at 2M rows: >= 3x pandera's throughput, within 1.5x of DuckDB (2 threads),
// peak RSS < 200 MiB and flat from 1M to 4M rows. CSV goal: at or under polars with 2 threads at
// under 150 MiB. Parquet: floor within 3x of polars with 2 threads, goal at or under polars with
// 1 thread, peak RSS < 200 MiB and flat from 1M to 4M rows. BENCH_FORMATS=csv,parquet picks.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seededRandom } from '../lib/seeded-random.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const python = process.env.MODELCI_PYTHON ?? (existsSync(join(root, '.venv/bin/python')) ? join(root, '.venv/bin/python') : 'python3');
const peers = join(root, 'scripts/bench/peers');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = (process.env.BENCH_SIZES ?? '1000000,2000000,4000000').split(',').map(Number);
const peerSize = Number(process.env.BENCH_PEER_ROWS ?? 2_000_000);
const work = join(tmpdir(), 'modelci-bench-validate');
mkdirSync(work, { recursive: true });

const fromSource = process.env.MODELCI_BENCH_SOURCE === '1';
// MODELCI_BENCH_DIST: another build of dist/ (e.g. ncc build shared/index.ts -o /tmp/dist).
const dist = process.env.MODELCI_BENCH_DIST ?? join(root, 'dist');
if (!fromSource && !existsSync(join(dist, 'index.js'))) {
  console.error(`${dist}/index.js is missing: run npm run build first (npm run bench does), or set MODELCI_BENCH_SOURCE=1.`);
  process.exit(2);
}
const runner = join(work, 'run-dist.mjs');
writeFileSync(runner, `import { main } from ${JSON.stringify(pathToFileURL(join(dist, 'index.js')).href)};\nawait main();\n`);
const ours = fromSource ? [process.execPath, '--import', 'tsx', join(root, 'shared/main.ts')] : [process.execPath, runner];

// Seeded data: mulberry32, Box-Muller. Every 250 000th row carries an out-of-range score.
const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'golf', 'hotel', 'india', 'kilo', 'lima', 'mike', 'oscar', 'papa', 'romeo', 'sierra', 'tango', 'victor'];
async function generate(rows, file) {
  if (existsSync(file)) return;
  const random = seededRandom(42);
  const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const partial = `${file}.part`;
  const out = createWriteStream(partial);
  const write = (text) => (out.write(text) ? undefined : new Promise((resolve) => out.once('drain', resolve)));
  await write('id,x_normal,x_lognormal,x_missing,cat5,cat50,flag,day,text,label,score,code\n');
  const start = Date.UTC(2020, 0, 1);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const score = i % 250_000 === 7 ? 1.5 : random();
    const day = new Date(start + Math.floor(random() * 2190) * 86_400_000).toISOString().slice(0, 10);
    chunk +=
      `${i + 1},${normal().toFixed(6)},${Math.exp(normal()).toFixed(6)},${random() < 0.01 ? '' : (normal() * 10 + 50).toFixed(4)},` +
      `c${Math.floor(random() * 5)},k${String(Math.floor(random() * 50)).padStart(2, '0')},${random() < 0.5 ? 'true' : 'false'},${day},` +
      `${WORDS[Math.floor(random() * 16)]} ${WORDS[Math.floor(random() * 16)]},${random() < 0.3 ? 1 : 0},${score.toFixed(6)},C${String(Math.floor(random() * 1e6)).padStart(6, '0')}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise((resolve) => out.end(resolve));
  spawnSync('mv', [partial, file]);
}

const schemaFile = join(work, 'schema.yaml');
writeFileSync(
  schemaFile,
  `fields:
  - {name: id, type: integer, constraints: {required: true, unique: true}}
  - {name: x_normal, type: number, constraints: {required: true}}
  - {name: x_lognormal, type: number, constraints: {required: true, minimum: 0}}
  - {name: x_missing, type: number}
  - {name: cat5, type: string, constraints: {required: true, enum: [c0, c1, c2, c3, c4]}}
  - {name: cat50, type: string, constraints: {required: true, enum: [${Array.from({ length: 50 }, (_, i) => `k${String(i).padStart(2, '0')}`).join(', ')}]}}
  - {name: flag, type: boolean, trueValues: ['true'], falseValues: ['false'], constraints: {required: true}}
  - {name: day, type: date, constraints: {required: true, minimum: '2020-01-01', maximum: '2025-12-31'}}
  - {name: text, type: string, constraints: {required: true, pattern: '[a-z]+ [a-z]+'}}
  - {name: label, type: integer, constraints: {required: true, enum: [0, 1]}}
  - {name: score, type: number, constraints: {required: true, minimum: 0, maximum: 1}}
  - {name: code, type: string, constraints: {required: true, pattern: 'C[0-9]{6}'}}
`,
);

function measure(command) {
  const run = spawnSync(python, [join(peers, 'validate_measure.py'), ...command], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`measure failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

const modelci = (file) => {
  const outDir = join(work, 'out');
  rmSync(outDir, { recursive: true, force: true });
  return [...ours, 'validate-data', '--data', file, '--schema', schemaFile, '--format', 'json', '--out-dir', outDir, '--annotations', '0'];
};
const polars = (threads) => (file) => ['env', `POLARS_MAX_THREADS=${threads}`, python, join(peers, 'validate_polars.py'), file];
const duckdb = (threads) => (file) => [python, join(peers, 'validate_duckdb.py'), file, String(threads)];
const toolsOf = {
  csv: { modelci, 'pandas+pandera': (file) => [python, join(peers, 'validate_pandera.py'), file], 'duckdb 1 thread': duckdb(1), 'duckdb 2 threads': duckdb(2), 'polars 2 threads': polars(2) },
  parquet: { modelci, 'polars 1 thread': polars(1), 'polars 2 threads': polars(2), 'duckdb 1 thread': duckdb(1), 'duckdb 2 threads': duckdb(2) },
};
const formats = (process.env.BENCH_FORMATS ?? 'csv,parquet').split(',');

function errorsOf(name, stdout) {
  const document = JSON.parse(stdout);
  return name === 'modelci' ? { rows: document.rowCount, errors: document.errorCount } : document;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
const allSizes = [...new Set([...sizes, peerSize])].sort((a, b) => a - b);
for (const rows of allSizes) {
  const csv = join(work, `bench-${rows}.csv`);
  await generate(rows, csv);
  for (const format of formats) {
    let file = csv;
    if (format === 'parquet') {
      file = join(work, `bench-${rows}.parquet`);
      if (!existsSync(file)) {
        const written = spawnSync(python, [join(peers, 'validate_to_parquet.py'), csv, file], { encoding: 'utf8' });
        if (written.status !== 0) throw new Error(`writing ${file} failed: ${written.stderr}`);
      }
    }
    const tools = toolsOf[format];
    const names = Object.keys(tools).filter((name) => name === 'modelci' || rows === peerSize);
    // Rounds alternate the tools, so a burst of load from elsewhere hits them all alike.
    const samplesOf = Object.fromEntries(names.map((name) => [name, []]));
    const foundOf = {};
    for (let i = 0; i < runs; i++) {
      for (const name of names) {
        const sample = measure(tools[name](file));
        if (sample.code !== 0 && sample.code !== 1) throw new Error(`${name} on ${format} exited ${sample.code}: ${sample.stderr}`);
        foundOf[name] = errorsOf(name, sample.stdout);
        samplesOf[name].push(sample);
      }
    }
    for (const name of names) {
      const samples = samplesOf[name];
      const found = foundOf[name];
      const seconds = median(samples.map((s) => s.seconds));
      const cpu = median(samples.map((s) => s.cpuSeconds));
      const rss = Math.max(...samples.map((s) => s.maxRssMiB));
      results.push({ name, format, rows, seconds, cpu, rss, found });
      console.log(`${format.padEnd(8)} ${name.padEnd(18)} ${String(rows).padStart(8)} rows  wall ${seconds.toFixed(2).padStart(7)} s  cpu ${cpu.toFixed(2).padStart(7)} s  ${Math.round(rows / seconds).toLocaleString('en').padStart(11)} rows/s  peak RSS ${rss.toFixed(0).padStart(5)} MiB  errors found ${found.errors}`);
    }
  }
}

const at = (format, name, rows) => results.find((r) => r.format === format && r.name === name && r.rows === rows);
const ratio = (me, peer) => `${(me.seconds / peer.seconds).toFixed(2)}x its time (cpu ${(me.cpu / peer.cpu).toFixed(2)}x)`;
const memory = (format, floor) => {
  const bySize = sizes.map((rows) => at(format, 'modelci', rows)).filter(Boolean);
  const peak = Math.max(...bySize.map((r) => r.rss));
  const flat = bySize.length > 1 ? bySize[bySize.length - 1].rss / bySize[0].rss : 1;
  return `${bySize.map((r) => `${(r.rows / 1e6).toFixed(0)}M ${r.rss.toFixed(0)} MiB`).join(', ')} (< ${floor} MiB ${peak < floor ? 'MET' : 'NOT MET'}; ${bySize.at(-1)?.rows / 1e6}M/${bySize[0]?.rows / 1e6}M = ${flat.toFixed(2)}, flat ${flat <= 1.15 ? 'MET' : 'NOT MET'})`;
};
console.log(`\nmedians of ${runs} runs, ${peerSize.toLocaleString('en')} rows x 12 columns:`);
if (formats.includes('csv')) {
  const me = at('csv', 'modelci', peerSize);
  const pandera = at('csv', 'pandas+pandera', peerSize);
  const duck2 = at('csv', 'duckdb 2 threads', peerSize);
  const polars2 = at('csv', 'polars 2 threads', peerSize);
  const vsPandera = pandera.seconds / me.seconds;
  const vsDuck2 = me.seconds / duck2.seconds;
  const vsPolars2 = me.seconds / polars2.seconds;
  console.log(`  CSV: modelci vs pandas+pandera: ${vsPandera.toFixed(2)}x the throughput (floor >= 3x) ${vsPandera >= 3 ? 'MET' : 'NOT MET'}; cpu time ratio ${(pandera.cpu / me.cpu).toFixed(2)}x`);
  console.log(`  CSV: modelci vs duckdb 1 thread: ${ratio(me, at('csv', 'duckdb 1 thread', peerSize))}`);
  console.log(`  CSV: modelci vs duckdb 2 threads: ${ratio(me, duck2)} (floor <= 1.5x) ${vsDuck2 <= 1.5 ? 'MET' : 'NOT MET'}`);
  console.log(`  CSV: modelci vs polars 2 threads: ${ratio(me, polars2)} (goal <= 1x at < 150 MiB) ${vsPolars2 <= 1 && me.rss < 150 ? 'MET' : 'NOT MET'}; polars peak RSS ${polars2.rss.toFixed(0)} MiB`);
  console.log(`  CSV: modelci peak RSS: ${memory('csv', 200)}`);
}
if (formats.includes('parquet')) {
  const me = at('parquet', 'modelci', peerSize);
  const polars1 = at('parquet', 'polars 1 thread', peerSize);
  const polars2 = at('parquet', 'polars 2 threads', peerSize);
  console.log(`  Parquet: modelci vs polars 2 threads: ${ratio(me, polars2)} (floor <= 3x) ${me.seconds / polars2.seconds <= 3 ? 'MET' : 'NOT MET'}`);
  console.log(`  Parquet: modelci vs polars 1 thread: ${ratio(me, polars1)} (goal <= 1x) ${me.seconds <= polars1.seconds ? 'MET' : 'NOT MET'}`);
  console.log(`  Parquet: modelci vs duckdb 1 thread: ${ratio(me, at('parquet', 'duckdb 1 thread', peerSize))}; vs duckdb 2 threads: ${ratio(me, at('parquet', 'duckdb 2 threads', peerSize))}`);
  console.log(`  Parquet: modelci peak RSS: ${memory('parquet', 200)}`);
}
const os = await import('node:os');
const load = os.loadavg()[0];
console.log(`  load average at the end: ${load.toFixed(1)} on ${os.cpus().length} cores${load > 2 ? ' (busy machine: wall times are inflated; compare the cpu column)' : ''}`);
