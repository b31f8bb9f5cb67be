import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { environmentError, usageError } from '../errors.js';
import { sha256File } from '../files/digest.js';
import { listTree, treeDigest } from '../files/paths.js';
import type { ModelFile } from './types.js';

export interface ScannedFile extends ModelFile {
  /** Absolute path on disk. */
  absolute: string;
}

export interface ScannedModel {
  files: ScannedFile[];
  digest: string;
  size: number;
}

/**
 * Streams `source` into a new file at `target` (which must not exist), hashing on the way. The
 * hash listens to the same chunks the file gets (no extra stream stage, which measurably slows
 * multi-GB copies).
 */
export async function copyHashed(source: Readable, target: string, onBytes?: (bytes: number) => void, signal?: AbortSignal): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  source.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    onBytes?.(bytes);
  });
  await pipeline(source, createWriteStream(target, { flags: 'wx', highWaterMark: 1 << 20 }), { signal: signal ?? new AbortController().signal });
  return { digest: `sha256:${hash.digest('hex')}`, bytes };
}


export async function digestOfFile(path: string): Promise<string> {
  return `sha256:${await sha256File(path)}`;
}

/** The version's content digest: the one directory digest of shared/files/paths.ts, with the `sha256:` prefix. */
export function contentDigest(files: readonly ModelFile[]): string {
  return `sha256:${treeDigest(files.map((file) => ({ path: file.path, sha256: file.digest })))}`;
}

export interface ListedFile {
  path: string;
  absolute: string;
  size: number;
}

/** Lists every file under `path` (a directory or a single file) with its size, sorted by path. */
export async function listModel(path: string): Promise<ListedFile[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw usageError(`Model path '${path}' does not exist.`, { code: 'registry-no-model', hint: 'Pass --path the directory (or file) your train step wrote.' });
  }
  const absolutes: string[] = [];
  let root = path;
  if (info.isFile()) {
    absolutes.push(path);
    root = dirname(path);
  } else {
    for (const file of await listTree(path)) absolutes.push(file.absolute);
  }
  if (absolutes.length === 0) throw usageError(`Model directory '${path}' is empty.`, { code: 'registry-empty-model' });
  const files: ListedFile[] = [];
  for (const absolute of absolutes) {
    files.push({ path: relative(root, absolute).split(sep).join('/'), absolute, size: (await stat(absolute)).size });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Lists and hashes every file under `path`, streaming. */
export async function scanModel(path: string): Promise<ScannedModel> {
  const files: ScannedFile[] = [];
  for (const file of await listModel(path)) files.push({ ...file, digest: await digestOfFile(file.absolute) });
  return { files, digest: contentDigest(files), size: files.reduce((sum, file) => sum + file.size, 0) };
}

/** Rejects paths that would escape the destination when pulled. */
export function checkRelativePath(path: string): void {
  const parts = path.split('/');
  if (path.startsWith('/') || parts.some((part) => part === '' || part === '.' || part === '..') || path.includes('\\') || path.includes('\0')) {
    throw environmentError(`The registry lists an unsafe file path '${path}'.`, { code: 'registry-unsafe-path', hint: 'The version manifest was tampered with or written by another tool.' });
  }
}

export function digestMismatch(what: string, expected: string, actual: string): Error {
  return environmentError(`Digest mismatch for ${what}: expected ${expected}, got ${actual}.`, {
    code: 'registry-digest-mismatch',
    hint: 'The stored copy is corrupt or was changed; nothing was written. Push the model again or restore the registry from a backup.',
  });
}
