// What the tests and the benches compare against: the Debian packages named by test/setup/*.sh and
// the Python references of test/requirements.txt in .venv. Quick when all is already there.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
let tag = 'modelci';
const log = (line) => process.stderr.write(`[${tag}] ${line}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    log(`failed: ${command} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

// Each setup script names the commands it provides on its `# provides:` line.
export function provisionSystem() {
  const scripts = readdirSync(join(root, 'test', 'setup')).filter((name) => name.endsWith('.sh')).sort();
  const missing = scripts.filter((name) => {
    const provides = /^# provides: (.+)$/m.exec(readFileSync(join(root, 'test', 'setup', name), 'utf8'))?.[1]?.split(/\s+/) ?? [];
    return provides.some((command) => !has(command));
  });
  if (missing.length === 0) return;
  if (!has('apt-get') || process.getuid?.() !== 0) {
    log(`missing system tools of ${missing.join(', ')}; run them as root on Debian (bash test/setup/<name>.sh), then run this command again`);
    process.exit(2);
  }
  log(`installing system packages: ${missing.join(', ')}`);
  run('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const name of missing) run('bash', [join('test', 'setup', name)], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

// .venv is rebuilt when test/requirements.txt changes (its hash is kept inside .venv).
export function provisionPython() {
  const requirements = join(root, 'test', 'requirements.txt');
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = join(root, '.venv', '.requirements.sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted) return;
  log('installing the Python references into .venv (test/requirements.txt)');
  if (!existsSync(join(root, '.venv', 'bin', 'python'))) run('python3', ['-m', 'venv', '.venv']);
  run(join('.venv', 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', 'uv']);
  run(join('.venv', 'bin', 'uv'), ['pip', 'install', '--quiet', '--python', join('.venv', 'bin', 'python'), '-r', requirements]);
  writeFileSync(stamp, `${wanted}\n`);
}

/** Provisions both, logging under `[name]` (`npm test`, `npm run bench`). */
export function provision(name) {
  tag = name;
  provisionSystem();
  provisionPython();
}
