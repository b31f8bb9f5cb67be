// `npm test`: provisions what the suite compares against and talks to (Debian packages named by
// test/setup/*.sh, the Python references of test/requirements.txt in .venv), then runs vitest with
// every reference required, so a missing one fails a test instead of skipping it. Quick when all
// is already there. Arguments go to vitest (`npm test -- test/train`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { provision, root } from './lib/provision.mjs';

provision('npm test');
const vitest = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MODELCI_REQUIRE_REFERENCES: '1' },
});
process.exit(vitest.status ?? 1);
