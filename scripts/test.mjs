// `npm test`: provisions what the suite compares against and talks to (Debian packages named by
// test/setup/*.sh, the Python references of test/requirements.txt in .venv), then runs vitest with
// every reference required, so a missing one fails a test instead of skipping it. Quick when all
// is already there. Arguments go to vitest (`npm test -- test/train`).
//
// The Ray suite (test/ray, vitest.ray.config.ts) runs after the main one, alone, inside a network
// namespace of its own where loopback is the only interface (unshare; a user namespace when not
// root): one Ray head and one S3 server serve all its cases. `npm test -- test/ray` runs only it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { provision, root } from './lib/provision.mjs';

provision('npm test');
const vitest = join(root, 'node_modules', '.bin', 'vitest');
const env = { ...process.env, MODELCI_REQUIRE_REFERENCES: '1' };
const args = process.argv.slice(2);
const isRayPath = (arg) => /^(\.\/)?test\/ray(\/|$)/.test(arg);
const rayArgs = args.filter(isRayPath);
const mainArgs = args.filter((arg) => !isRayPath(arg));
const runMain = rayArgs.length === 0 || mainArgs.some((arg) => !arg.startsWith('-'));
const runRay = args.every((arg) => arg.startsWith('-')) || rayArgs.length > 0;

function status(result) {
  if (result.error) {
    process.stderr.write(`[npm test] ${result.error.message}\n`);
    return 1;
  }
  return result.status ?? 1;
}

let failed = 0;
if (runMain) failed = status(spawnSync(vitest, ['run', ...mainArgs], { cwd: root, stdio: 'inherit', env }));
if (runRay) {
  const namespace = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
  const inside = 'ip link set lo up && exec "$0" "$@"';
  const options = args.filter((arg) => arg.startsWith('-'));
  process.stderr.write('[npm test] the Ray suite, in a network namespace with only loopback\n');
  const ray = status(spawnSync('unshare', [...namespace, '--', 'sh', '-c', inside, vitest, 'run', '--config', 'vitest.ray.config.ts', ...rayArgs, ...options], { cwd: root, stdio: 'inherit', env }));
  failed = failed || ray;
}
process.exit(failed);
