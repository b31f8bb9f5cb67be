// `npm run demo`: runs the churn example's pipeline with the built CLI and prints what it found.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const project = join(root, 'examples', 'churn');
const evidenceDir = join(project, '.modelci', 'evidence');

console.log('modelci demo: the churn example (examples/churn/modelci.yaml)\n');
const run = spawnSync(process.execPath, [join(root, 'bin', 'modelci.js'), 'run', '--config', join(project, 'modelci.yaml')], { stdio: 'inherit' });

const format = (value) => (typeof value === 'number' ? Number(value.toPrecision(4)) : value);
console.log('\n── summary ──');
for (const file of existsSync(evidenceDir) ? readdirSync(evidenceDir).sort() : []) {
  const evidence = JSON.parse(readFileSync(join(evidenceDir, file), 'utf8'));
  console.log(`${evidence.status === 'passed' ? '✔' : '✘'} ${evidence.step}: ${evidence.summary}`);
  const metrics = evidence.result?.metrics;
  if (evidence.step === 'train' && metrics) {
    const shown = Object.entries(metrics).filter(([, value]) => typeof value === 'number');
    console.log(`  metrics: ${shown.map(([name, value]) => `${name}=${format(value)}`).join(', ')}`);
    if (evidence.result.cacheHit !== undefined) console.log(`  run cache: ${evidence.result.cacheHit ? 'hit (command not run)' : 'miss (trained)'}`);
  }
  console.log(`  evidence: ${relative(process.cwd(), join(evidenceDir, file))}`);
}
process.exit(run.status ?? 1);
