// Builds dist/: one ncc bundle (plus lazily loaded chunks) behind the CLI and every action.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
const ncc = fileURLToPath(new URL('../node_modules/.bin/ncc', import.meta.url));
// -t: tsc already type-checks in CI; --minify shortens parse time at cold start.
const result = spawnSync(ncc, ['build', 'shared/index.ts', '-o', 'dist', '-t', '--minify', '--license', 'licenses.txt', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
// Worker thread entries, each its own bundle: dist/<name>/index.js, found at run time next to
// the chunk that starts it (shared/workers/pool.ts). A WorkerEntry names its row here.
const WORKERS = [
  { name: 'validate-worker', entry: 'shared/schema/validate-worker.ts' },
  { name: 'metrics-worker', entry: 'shared/metrics/metrics-worker.ts' },
];
for (const { name, entry } of WORKERS) {
  const worker = spawnSync(ncc, ['build', entry, '-o', `dist/${name}`, '-t', '--minify', '--quiet'], { cwd: root, stdio: 'inherit' });
  if (worker.status !== 0) process.exit(worker.status ?? 1);
}
