import { createHash } from 'node:crypto';
import { readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { sha256File } from './digest.js';
import { usageError } from '../errors.js';

/** Paths in records are relative to the working directory with `/`, so they match across machines. */
export function displayPath(base: string, absolute: string): string {
  const rel = relative(base, absolute);
  if (rel === '') return '.';
  return isAbsolute(rel) ? absolute : rel.split(sep).join('/');
}

/** A path as a message names it: relative to `base` when inside it, else absolute as given. */
export function messagePath(base: string, absolute: string): string {
  const rel = relative(base, absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
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

/**
 * Every file under `root` as `{path, absolute}`, sorted by path, the one walk behind evidence
 * and registry digests. Links to files are followed; links to directories are followed too,
 * but one that leads back into a directory being walked (a loop) is refused.
 */
export async function listTree(root: string): Promise<{ path: string; absolute: string }[]> {
  const files: { path: string; absolute: string }[] = [];
  const walk = async (dir: string, prefix: string, ancestors: readonly string[]): Promise<void> => {
    const real = await realpath(dir);
    if (ancestors.includes(real)) {
      throw usageError(`'${join(root, prefix)}' links back to '${real}': a symbolic-link loop`, {
        code: 'path-symlink-loop',
        location: { file: join(root, prefix) },
        hint: 'Remove the link, or replace it with a copy of what it points to.',
      });
    }
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const absolute = join(dir, entry.name);
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(absolute, path, [...ancestors, real]);
      else if (entry.isFile()) files.push({ path, absolute });
      else if (entry.isSymbolicLink()) {
        const info = await stat(absolute).catch(() => undefined);
        if (info?.isFile()) files.push({ path, absolute });
        else if (info?.isDirectory()) await walk(absolute, path, [...ancestors, real]);
      }
    }
  };
  await walk(root, '', []);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Files under a directory, sorted, each streamed through sha256 a few at a time. */
export async function digestTree(root: string): Promise<TreeFile[]> {
  return mapLimit(await listTree(root), 8, async (file) => {
    const [sha256, info] = await Promise.all([sha256File(file.absolute), stat(file.absolute)]);
    return { ...file, sha256, bytes: info.size };
  });
}

/**
 * The one directory digest, in evidence and in every registry: the sha256 of the directory's
 * `sha256sum` listing (`<hex>  <path>\n` per file, sorted by path, paths relative with `/`).
 */
export function treeDigest(files: readonly { path: string; sha256: string }[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) hash.update(`${file.sha256.replace(/^sha256:/, '')}  ${file.path}\n`);
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
