// Cold start of the bundled CLI: time from spawn to its first byte of output, against bare
// `node -e 0` (spawn to exit), alternating the two so machine drift hits both alike.
// Target (issue 2): under 150 ms on top of bare node.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/modelci.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)))) {
  console.error('dist/ is missing: run npm run build first (npm run bench does).');
  process.exit(2);
}
const RUNS = Number(process.env.BENCH_RUNS ?? 21);

function timeToFirstOutput(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let first;
    const mark = () => (first ??= process.hrtime.bigint());
    child.stdout.once('data', mark);
    child.stderr.once('data', mark);
    child.on('error', reject);
    child.on('close', () => resolve(Number((first ?? process.hrtime.bigint()) - started) / 1e6));
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const cases = [
  ['node -e 0', ['-e', '0']],
  ['modelci --version', [cli, '--version']],
  ['modelci train --help', [cli, 'train', '--help']],
  ['modelci --help (loads every step)', [cli, '--help']],
];
const samples = new Map(cases.map(([name]) => [name, []]));
for (const [, args] of cases) await timeToFirstOutput(args); // warm the file cache
for (let i = 0; i < RUNS; i++) for (const [name, args] of cases) samples.get(name).push(await timeToFirstOutput(args));

const base = median(samples.get('node -e 0'));
console.log(`cold start, median of ${RUNS} alternating runs (ms to first output)`);
console.log('| command | median ms | over bare node ms | ratio to node -e 0 |');
console.log('|---|---:|---:|---:|');
for (const [name] of cases) {
  const value = median(samples.get(name));
  console.log(`| ${name} | ${value.toFixed(1)} | ${(value - base).toFixed(1)} | ${(value / base).toFixed(2)}x |`);
}
// The target is for running a step: the CLI core plus that one step's chunk.
const overhead = median(samples.get('modelci train --help')) - base;
console.log(`target: a step command < 150 ms over bare node; measured ${overhead.toFixed(1)} ms (${overhead < 150 ? 'met' : 'NOT met'})`);
