import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { sha256File } from './digest.js';

/** Paths in records are relative to the working directory with `/`, so they match across machines. */
export function displayPath(base: string, absolute: string): string {
  const rel = relative(base, absolute);
  if (rel === '') return '.';
  return isAbsolute(rel) ? absolute : rel.split(sep).join('/');
}

export function resolveFrom(base: string, path: string): string {
  return resolve(base, path);
}

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface PathDigest {
  /** As the user wrote it, relative to the working directory. */
  path: string;
  kind: 'file' | 'directory';
  /** File: sha256 of the content. Directory: sha256 of its `sha256  relative/path` lines, sorted by path, joined by newlines. */
  sha256: string;
  bytes: number;
  /** Directories only. */
  fileCount?: number;
}

export interface TreeFile {
  /** Relative to the digested directory, with `/`. */
  path: string;
  absolute: string;
  sha256: string;
  bytes: number;
}

/** Files under a directory, sorted, each streamed through sha256 a few at a time. */
export async function digestTree(root: string): Promise<TreeFile[]> {
  const files: { path: string; absolute: string }[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const absolute = join(dir, entry.name);
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(absolute, path);
      else if (entry.isFile()) files.push({ path, absolute });
      else if (entry.isSymbolicLink()) {
        // Follow links to files; links to directories are not followed (no cycles).
        const info = await stat(absolute).catch(() => undefined);
        if (info?.isFile()) files.push({ path, absolute });
      }
    }
  };
  await walk(root, '');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return mapLimit(files, 8, async (file) => {
    const [sha256, info] = await Promise.all([sha256File(file.absolute), stat(file.absolute)]);
    return { ...file, sha256, bytes: info.size };
  });
}

/** A directory's digest: the sha256 of its sorted `sha256  path` lines (the sha256sum format). */
export function treeDigest(files: TreeFile[]): string {
  const hash = createHash('sha256');
  files.forEach((file, i) => hash.update(`${i > 0 ? '\n' : ''}${file.sha256}  ${file.path}`));
  return hash.digest('hex');
}

export interface DigestedPath extends PathDigest {
  absolute: string;
  /** Every file, for directories; the file itself otherwise. */
  files: TreeFile[];
}

/** undefined when the path does not exist. */
export async function digestPath(absolute: string, display: string): Promise<DigestedPath | undefined> {
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!info) return undefined;
  if (info.isDirectory()) {
    const files = await digestTree(absolute);
    return {
      path: display,
      absolute,
      kind: 'directory',
      sha256: treeDigest(files),
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
      fileCount: files.length,
      files,
    };
  }
  const sha256 = await sha256File(absolute);
  return { path: display, absolute, kind: 'file', sha256, bytes: info.size, files: [{ path: '', absolute, sha256, bytes: info.size }] };
}

export function publicDigest(d: DigestedPath): PathDigest {
  return { path: d.path, kind: d.kind, sha256: d.sha256, bytes: d.bytes, ...(d.fileCount !== undefined ? { fileCount: d.fileCount } : {}) };
}

export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/** The deepest directory that holds every one of the (absolute) paths. */
export function commonRoot(paths: string[]): string {
  if (paths.length === 0) return sep;
  let root = dirname(paths[0] as string);
  for (const path of paths) {
    while (root !== dirname(root) && !(path === root || path.startsWith(root.endsWith(sep) ? root : root + sep))) root = dirname(root);
  }
  return root;
}
