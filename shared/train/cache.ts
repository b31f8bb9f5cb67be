import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { sha256File, sha256Text } from '../files/digest.js';
import { canonicalJson } from './flatten.js';
import { digestPath, type DigestedPath, type PathDigest } from '../files/paths.js';

/** Bumped when the entry layout or the key material changes, so old entries simply miss. */
export const CACHE_FORMAT = 2;

export function cacheKey(material: Record<string, unknown>): string {
  return sha256Text(canonicalJson({ format: CACHE_FORMAT, ...material }));
}

export interface CachedFile {
  /** Relative to the output directory ('' for a file output). */
  path: string;
  sha256: string;
  bytes: number;
  /** Name inside the entry's `files/` folder. */
  stored: string;
}

export interface CachedPath extends PathDigest {
  files: CachedFile[];
}

/** What a successful run leaves in `<cache-dir>/<key>/record.json`. */
export interface CacheRecord {
  format: number;
  key: string;
  createdAt: string;
  durationMs: number;
  metrics: Record<string, unknown>;
  /** What the key is the digest of (see key.ts), so a later miss can say what changed. */
  material?: Record<string, unknown>;
  outputs: CachedPath[];
  metricsFiles: CachedPath[];
}

export class CacheCorruptError extends Error {}

export async function readCacheEntry(cacheDir: string, key: string): Promise<CacheRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(cacheDir, key, 'record.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as CacheRecord;
    return record.format === CACHE_FORMAT && record.key === key ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Every readable entry of the current format, in no particular order. */
export async function listEntries(cacheDir: string): Promise<CacheRecord[]> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const records = await Promise.all(names.filter((name) => /^[0-9a-f]{64}$/.test(name)).map((name) => readCacheEntry(cacheDir, name)));
  return records.filter((record): record is CacheRecord => record !== undefined);
}

/**
 * Puts cached outputs back where the command would have written them. Every copy is verified
 * against its recorded sha256 before it replaces anything; a file already identical is left alone.
 */
export async function restoreEntry(cacheDir: string, record: CacheRecord, declared: string[], resolvePath: (path: string) => string): Promise<void> {
  const entry = join(cacheDir, record.key);
  const items = [...record.outputs, ...record.metricsFiles];
  // A cache restored from CI is input from elsewhere: write only the paths this run declares,
  // and never outside a directory output.
  const expected = new Set(declared);
  if (new Set(items.map((item) => item.path)).size !== expected.size || items.some((item) => !expected.has(item.path))) {
    throw new CacheCorruptError('cache entry lists other paths than the declared outputs and metrics');
  }
  for (const item of items) {
    for (const file of item.files) {
      if (file.path.split('/').some((part) => part === '..') || isAbsolute(file.path) || !/^\d+$/.test(file.stored)) {
        throw new CacheCorruptError(`cache entry has an unsafe file path '${file.path}'`);
      }
    }
  }
  for (const item of items) {
    const target = resolvePath(item.path);
    const current = await digestPath(target, item.path).catch(() => undefined);
    if (current && current.kind === item.kind && current.sha256 === item.sha256) continue;
    const temp = join(dirname(target), `.${basename(target)}.modelci-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
    await mkdir(dirname(target), { recursive: true });
    try {
      if (item.kind === 'file') {
        const file = item.files[0];
        if (!file) throw new CacheCorruptError(`cache entry lists no file for '${item.path}'`);
        await copyVerified(join(entry, 'files', file.stored), temp, file.sha256, item.path);
      } else {
        for (const file of item.files) {
          const dest = join(temp, ...file.path.split('/'));
          await mkdir(dirname(dest), { recursive: true });
          await copyVerified(join(entry, 'files', file.stored), dest, file.sha256, `${item.path}/${file.path}`);
        }
        await mkdir(temp, { recursive: true });
      }
      await rm(target, { recursive: true, force: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }
}

async function copyVerified(source: string, dest: string, sha256: string, display: string): Promise<void> {
  try {
    await copyFile(source, dest, constants.COPYFILE_FICLONE);
  } catch (error) {
    throw new CacheCorruptError(`cached copy of '${display}' is missing (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const actual = await sha256File(dest);
  if (actual !== sha256) throw new CacheCorruptError(`cached copy of '${display}' has sha256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…`);
}

/**
 * Stores a successful run: everything goes into a private temp folder that is renamed into place
 * in one step, so concurrent runs and readers see a whole entry or none. Two writers of the same
 * key wrote equal content by definition; the loser drops its copy.
 */
export async function storeEntry(
  cacheDir: string,
  record: Omit<CacheRecord, 'outputs' | 'metricsFiles' | 'format'>,
  outputs: DigestedPath[],
  metricsFiles: DigestedPath[],
): Promise<boolean> {
  const final = join(cacheDir, record.key);
  if (await exists(join(final, 'record.json'))) return false;
  await mkdir(cacheDir, { recursive: true });
  const temp = join(cacheDir, `.tmp-${record.key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(join(temp, 'files'), { recursive: true });
    let counter = 0;
    const copyAll = async (items: DigestedPath[]): Promise<CachedPath[]> => {
      const out: CachedPath[] = [];
      for (const item of items) {
        const files: CachedFile[] = [];
        for (const file of item.files) {
          const stored = String(counter++);
          await copyFile(file.absolute, join(temp, 'files', stored), constants.COPYFILE_FICLONE);
          files.push({ path: file.path, sha256: file.sha256, bytes: file.bytes, stored });
        }
        out.push({ path: item.path, kind: item.kind, sha256: item.sha256, bytes: item.bytes, ...(item.fileCount !== undefined ? { fileCount: item.fileCount } : {}), files });
      }
      return out;
    };
    const full: CacheRecord = { format: CACHE_FORMAT, ...record, outputs: await copyAll(outputs), metricsFiles: await copyAll(metricsFiles) };
    await writeFileAtomic(join(temp, 'record.json'), `${JSON.stringify(full, null, 2)}\n`);
    try {
      await rename(temp, final);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EPERM') return false;
      throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** A corrupt entry is moved aside (atomically) and then deleted, so the next run stores a fresh one. */
export async function discardEntry(cacheDir: string, key: string): Promise<void> {
  const trash = join(cacheDir, `.trash-${key.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await rename(join(cacheDir, key), trash);
  } catch {
    return;
  }
  await rm(trash, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
