import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../files/digest.js';
import { execCapture } from './exec.js';
import { displayPath } from '../files/paths.js';

export interface RuntimeInfo {
  node: string;
  platform: string;
  /** The version of `python3` as the command would see it (same PATH and env), or null. */
  python: string | null;
  /** sha256 of the sorted `name==version` lines of installed Python distributions (pip freeze's content), or null without python3. */
  pipFreezeSha256: string | null;
  pipPackages: number | null;
  /** Lock and requirements files found in the working directory (and the repository root). */
  lockfiles: { path: string; sha256: string }[];
}

/**
 * One interpreter start instead of `python3 --version` plus `pip freeze` (which imports all of
 * pip): the version, then `name==version` of every installed distribution, as pip freeze lists them.
 */
const PYTHON_PROBE = [
  'import sys, importlib.metadata as m',
  'print(sys.version.split()[0])',
  'print("\\n".join(sorted({f"{d.metadata[\'Name\']}=={d.version}" for d in m.distributions() if d.metadata["Name"]})))',
].join('\n');

const LOCKFILE = /^(package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|requirements.*\.txt|poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|conda-lock\.yml|environment\.ya?ml)$/;

export async function runtimeInfo(dirs: { workdir: string; repoRoot?: string }, env: NodeJS.ProcessEnv): Promise<RuntimeInfo> {
  const [probe, lockfiles] = await Promise.all([execCapture('python3', ['-c', PYTHON_PROBE], { cwd: dirs.workdir, env }), findLockfiles(dirs)]);
  let python: string | null = null;
  let pipFreezeSha256: string | null = null;
  let pipPackages: number | null = null;
  if (probe?.code === 0) {
    const [version = '', ...packages] = probe.stdout.toString('utf8').split(/\r?\n/).map((l) => l.trim());
    const lines = packages.filter(Boolean).sort();
    python = version || null;
    pipFreezeSha256 = createHash('sha256').update(lines.join('\n')).digest('hex');
    pipPackages = lines.length;
  }
  return { node: process.version, platform: `${process.platform}-${process.arch}`, python, pipFreezeSha256, pipPackages, lockfiles };
}

async function findLockfiles(dirs: { workdir: string; repoRoot?: string }): Promise<{ path: string; sha256: string }[]> {
  const roots = [...new Set([dirs.workdir, ...(dirs.repoRoot ? [dirs.repoRoot] : [])])];
  const found: { path: string; sha256: string }[] = [];
  for (const root of roots) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.filter((e) => e.isFile() && LOCKFILE.test(e.name)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const absolute = join(root, entry.name);
      found.push({ path: displayPath(dirs.workdir, absolute), sha256: await sha256File(absolute) });
    }
  }
  return found;
}
