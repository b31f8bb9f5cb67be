import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { sha256File } from '../files/digest.js';
import { execCapture, execDigest } from './exec.js';
import { isInside, mapLimit } from '../files/paths.js';

export interface CodeState {
  /** False when the working directory is not in a git work tree (or git is missing). */
  git: boolean;
  /** The commit checked out (HEAD), or null. */
  gitSha: string | null;
  /** Git tree id of the working directory at HEAD: content-addressed, unlike the commit. */
  treeSha: string | null;
  /** Uncommitted changes or untracked files under the working directory (outputs excluded). */
  dirty: boolean;
  /** sha256 of `git diff HEAD --binary` for the working directory (outputs excluded). */
  diffSha256: string | null;
  /** sha256 of the sorted `sha256  path` lines of untracked, non-ignored files (outputs excluded). */
  untrackedSha256: string | null;
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Never part of the code: Python byte code and notebook checkpoints appear on every run. */
const ALWAYS_EXCLUDED = [':(exclude,glob)**/__pycache__/**', ':(exclude,glob)**/*.pyc', ':(exclude,glob)**/.ipynb_checkpoints/**'];

/**
 * The code the command runs: git's tree of the working directory plus uncommitted changes and
 * untracked files. `exclude` holds paths the run itself writes (outputs, metrics, out-dir, cache),
 * so a second run sees the same state as the first.
 */
export async function codeState(workdir: string, exclude: string[], env: NodeJS.ProcessEnv): Promise<CodeState> {
  const gitEnv = { ...env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
  const opts = { cwd: workdir, env: gitEnv };
  const top = await execCapture('git', ['rev-parse', '--show-toplevel'], opts);
  if (!top || top.code !== 0) return { git: false, gitSha: null, treeSha: null, dirty: false, diffSha256: null, untrackedSha256: null };

  const pathspec = ['--', '.', ...ALWAYS_EXCLUDED];
  for (const path of exclude) {
    if (!isInside(workdir, path) || path === workdir) continue;
    pathspec.push(`:(exclude,literal)${relative(workdir, path).split(sep).join('/')}`);
  }

  const head = await execCapture('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], opts);
  const gitSha = head?.code === 0 ? head.stdout.toString('utf8').trim() : null;
  let treeSha: string | null = null;
  let diffSha256: string | null = null;
  let diffBytes = 0;
  if (gitSha) {
    const tree = await execCapture('git', ['rev-parse', 'HEAD:./'], opts);
    treeSha = tree?.code === 0 ? tree.stdout.toString('utf8').trim() : null;
    const diff = await execDigest('git', ['-c', 'core.quotePath=false', 'diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff', ...pathspec], opts);
    if (diff && diff.code === 0) {
      diffSha256 = diff.sha256;
      diffBytes = diff.bytes;
    }
  }
  // Without a commit every file counts as untracked: its content is the code state.
  const listArgs = ['ls-files', '-z', '--others', '--exclude-standard', ...(gitSha ? [] : ['--cached']), ...pathspec];
  const listed = await execCapture('git', listArgs, opts);
  const paths = listed?.code === 0 ? [...new Set(listed.stdout.toString('utf8').split('\0').filter(Boolean))].sort() : [];
  const digests = await mapLimit(paths, 8, async (path) => ({ path, sha256: await sha256File(join(workdir, path)).catch(() => 'unreadable') }));
  const untracked = createHash('sha256');
  for (const { path, sha256 } of digests) untracked.update(`${sha256}  ${path}\n`);
  const untrackedSha256 = untracked.digest('hex');

  return {
    git: true,
    gitSha,
    treeSha,
    dirty: (diffSha256 !== null && diffBytes > 0) || paths.length > 0,
    diffSha256: diffSha256 ?? (gitSha ? null : EMPTY_SHA256),
    untrackedSha256,
  };
}
