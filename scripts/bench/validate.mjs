// validate-data against named peers on the same file and the same checks (issue 3):
// pandas + pandera, and DuckDB with 1 and 2 threads running the checks as SQL.
// Ours runs as users run it: the built CLI (bin/modelci.js over dist/, so `npm run build`
// first; `npm run bench` does). MODELCI_BENCH_SOURCE=1 runs shared/main.ts through tsx instead.
// Every tool is timed and its peak RSS taken from outside by peers/validate_measure.py.
// Floors at 2M rows: >= 3x pandera's throughput, within 1.5x of DuckDB (2 threads),
// peak RSS < 200 MiB and flat from 1M to 4M rows.
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

const tools = {
  modelci: (file) => {
    const outDir = join(work, 'out');
    rmSync(outDir, { recursive: true, force: true });
    return [...ours, 'validate-data', '--data', file, '--schema', schemaFile, '--format', 'json', '--out-dir', outDir, '--annotations', '0'];
  },
  'pandas+pandera': (file) => [python, join(peers, 'validate_pandera.py'), file],
  'duckdb 1 thread': (file) => [python, join(peers, 'validate_duckdb.py'), file, '1'],
  'duckdb 2 threads': (file) => [python, join(peers, 'validate_duckdb.py'), file, '2'],
};

function errorsOf(name, stdout) {
  const document = JSON.parse(stdout);
  return name === 'modelci' ? { rows: document.rowCount, errors: document.errorCount } : document;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = [];
const allSizes = [...new Set([...sizes, peerSize])].sort((a, b) => a - b);
for (const rows of allSizes) {
  const file = join(work, `bench-${rows}.csv`);
  await generate(rows, file);
  const names = Object.keys(tools).filter((name) => name === 'modelci' || rows === peerSize);
  // Rounds alternate the tools, so a burst of load from elsewhere hits them all alike.
  const samplesOf = Object.fromEntries(names.map((name) => [name, []]));
  const foundOf = {};
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const sample = measure(tools[name](file));
      if (sample.code !== 0 && sample.code !== 1) throw new Error(`${name} exited ${sample.code}: ${sample.stderr}`);
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
    results.push({ name, rows, seconds, cpu, rss, found });
    console.log(`${name.padEnd(18)} ${String(rows).padStart(8)} rows  wall ${seconds.toFixed(2).padStart(7)} s  cpu ${cpu.toFixed(2).padStart(7)} s  ${Math.round(rows / seconds).toLocaleString('en').padStart(11)} rows/s  peak RSS ${rss.toFixed(0).padStart(5)} MiB  errors found ${found.errors}`);
  }
}

const at = (name, rows) => results.find((r) => r.name === name && r.rows === rows);
const me = at('modelci', peerSize);
const pandera = at('pandas+pandera', peerSize);
const duck1 = at('duckdb 1 thread', peerSize);
const duck2 = at('duckdb 2 threads', peerSize);
const rssBySize = sizes.map((rows) => at('modelci', rows)).filter(Boolean);
console.log(`\nmedians of ${runs} runs, ${peerSize.toLocaleString('en')} rows x 12 columns:`);
const vsPandera = pandera.seconds / me.seconds;
const vsDuck2 = me.seconds / duck2.seconds;
console.log(`  modelci vs pandas+pandera: ${vsPandera.toFixed(2)}x the throughput (floor >= 3x) ${vsPandera >= 3 ? 'MET' : 'NOT MET'}; cpu time ratio ${(pandera.cpu / me.cpu).toFixed(2)}x`);
console.log(`  modelci vs duckdb 1 thread: ${(me.seconds / duck1.seconds).toFixed(2)}x its time`);
console.log(`  modelci vs duckdb 2 threads: ${vsDuck2.toFixed(2)}x its time (floor <= 1.5x) ${vsDuck2 <= 1.5 ? 'MET' : 'NOT MET'}`);
const load = (await import('node:os')).loadavg()[0];
console.log(`  load average at the end: ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} cores${load > 2 ? ' (busy machine: wall times are inflated; compare the cpu column)' : ''}`);
const peak = Math.max(...rssBySize.map((r) => r.rss));
const flat = rssBySize.length > 1 ? rssBySize[rssBySize.length - 1].rss / rssBySize[0].rss : 1;
console.log(`  modelci peak RSS: ${rssBySize.map((r) => `${(r.rows / 1e6).toFixed(0)}M ${r.rss.toFixed(0)} MiB`).join(', ')} (floor < 200 MiB ${peak < 200 ? 'MET' : 'NOT MET'}; ${rssBySize.at(-1)?.rows / 1e6}M/${rssBySize[0]?.rows / 1e6}M = ${flat.toFixed(2)}, flat ${flat <= 1.15 ? 'MET' : 'NOT MET'})`);
