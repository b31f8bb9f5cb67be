// `npm run release -- [--dry-run] [--version X.Y.Z] [--skip-build]`
// Builds dist/ and makes a release commit that contains it, on top of HEAD but off any branch
// (dist/ stays git-ignored on main), then tags it vX.Y.Z and moves the major tag vX, as
// changesets/action does for actions. --dry-run makes the commit object and prints it, but tags nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const versionIndex = args.indexOf('--version');
const version = versionIndex >= 0 ? args[versionIndex + 1] : JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version ?? '')) fail(`not a semantic version: ${version}`);
const tag = `v${version}`;
const majorTag = `v${version.split('.')[0]}`;

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(2);
}
function git(gitArgs, env = {}) {
  return execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
}

if (git(['status', '--porcelain', '--untracked-files=no']) !== '') fail('the work tree has uncommitted changes; commit or stash them first');
if (!dryRun && git(['tag', '--list', tag]) !== '') fail(`tag ${tag} exists already`);

if (!args.includes('--skip-build')) {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('build failed');
}
if (!existsSync(join(root, 'dist', 'index.js'))) fail('dist/index.js is missing after the build');
for (const entry of readdirSync(join(root, 'actions'), { withFileTypes: true })) {
  if (entry.isDirectory() && !existsSync(join(root, 'actions', entry.name, 'index.js'))) fail(`actions/${entry.name}/index.js is missing; run npm run gen`);
}

// A private index, so the user's staging area and work tree are untouched.
const scratch = mkdtempSync(join(tmpdir(), 'modelci-release-'));
const env = { GIT_INDEX_FILE: join(scratch, 'index') };
try {
  git(['read-tree', 'HEAD'], env);
  git(['add', '--force', 'dist'], env);
  const tree = git(['write-tree'], env);
  const files = git(['ls-tree', '-r', '--name-only', tree, 'dist']).split('\n').filter(Boolean);
  const commit = git(['commit-tree', tree, '-p', 'HEAD', '-m', `Release ${tag}\n\nBuilt dist/ (${files.length} files) for the actions at ${tag}.`]);
  console.log(`release commit ${commit} for ${tag}: HEAD + dist/ (${files.length} files: ${files.join(', ')})`);
  if (dryRun) {
    console.log(`dry run: would tag ${tag} and move ${majorTag} to ${commit}`);
  } else {
    git(['tag', '--annotate', tag, '--message', `modelci ${tag}`, commit]);
    git(['tag', '--force', majorTag, commit]);
    console.log(`tagged ${tag} and ${majorTag}; publish with: git push origin ${tag} && git push --force origin ${majorTag}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
