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
// validate-data's worker threads load their own bundle (found next to the chunk that starts them).
const worker = spawnSync(ncc, ['build', 'shared/schema/validate-worker.ts', '-o', 'dist/validate-worker', '-t', '--minify', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
if (worker.status !== 0) process.exit(worker.status ?? 1);
