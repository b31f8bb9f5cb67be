import { stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { usageError } from '../errors.js';
import { sha256File } from '../files/digest.js';
import { isInside, mapLimit } from '../files/paths.js';

export interface CodeFile {
  /** Relative to the working directory, with `/`. */
  path: string;
  sha256: string;
}

/** Never code: byte code and notebook checkpoints change on every run. */
const ALWAYS_IGNORED = ['**/__pycache__/**', '**/*.pyc', '**/.ipynb_checkpoints/**', '**/.git/**'];

const slash = (path: string) => path.split(sep).join('/');

/**
 * The files a train's `code` input names (paths or globs relative to the working directory; a
 * directory means every file under it), with their digests, sorted by path. `exclude` holds what
 * the run writes (outputs, out-dir, cache), so a second run sees the same code. A pattern that
 * matches nothing, or that leaves the working directory, is a usage error naming it.
 */
export async function codeFiles(workdir: string, patterns: readonly string[], exclude: readonly string[]): Promise<CodeFile[]> {
  const ignore = [...ALWAYS_IGNORED];
  for (const path of exclude) {
    if (!isInside(workdir, path) || path === workdir) continue;
    const rel = slash(relative(workdir, path));
    ignore.push(rel, `${rel}/**`);
  }
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (isAbsolute(pattern) || normalize(pattern).split(/[\\/]/)[0] === '..') {
      throw usageError(`code pattern '${pattern}' leaves the working directory`, { code: 'train-code-outside', hint: 'List code relative to the working directory (set --cwd higher to include a shared folder).' });
    }
    const isDirectory = await stat(join(workdir, pattern)).then((info) => info.isDirectory(), () => false);
    const matches = await glob(isDirectory ? `${pattern.replace(/\/+$/, '')}/**` : pattern, { cwd: workdir, onlyFiles: true, dot: true, ignore, expandDirectories: false });
    if (matches.length === 0) {
      throw usageError(`code pattern '${pattern}' matches no file`, { code: 'train-code-no-match', hint: 'Paths and globs are relative to the working directory, e.g. --code src --code "train/*.py".' });
    }
    for (const match of matches) found.add(slash(match));
  }
  const paths = [...found].sort();
  return mapLimit(paths, 8, async (path) => ({ path, sha256: await sha256File(join(workdir, path)) }));
}
