// `npm run bench`: runs every scripts/bench/*.mjs in turn (each prints its own table of medians
// and ratios against a named peer). `npm run bench -- cold-start validate` runs only those.
// First it provisions the peers the way `npm test` does (.venv from test/requirements.txt, the
// registry of test/setup), or says exactly what is missing.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from './lib/provision.mjs';

const dir = fileURLToPath(new URL('./bench', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((file) => file.endsWith('.mjs'))
  .filter((file) => only.length === 0 || only.includes(file.replace(/\.mjs$/, '')))
  .sort((a, b) => (a === 'cold-start.mjs' ? -1 : b === 'cold-start.mjs' ? 1 : a.localeCompare(b)));
provision('npm run bench');
let failed = 0;
for (const file of benches) {
  console.log(`\n##### ${file.replace(/\.mjs$/, '')}`);
  const run = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`(${file} exited ${run.status})`);
  }
}
process.exit(failed ? 1 : 0);
