import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import ignoreModule, { type Ignore } from 'ignore';
import { usageError } from '../../errors.js';
import { writeZip, type ZipEntry } from './zip.js';

/** Ray's package store refuses a package of this size or more (GCS_STORAGE_MAX_SIZE, the gRPC message limit). */
export const RAY_PACKAGE_LIMIT = 512 * 1024 * 1024;

export interface PackageFile {
  /** Relative, forward slashes. */
  path: string;
  absolute: string;
  bytes: number;
}

export interface WorkingDirPackage {
  /** `gcs://_ray_pkg_<hash>.zip`, named from the content as Ray names it. */
  uri: string;
  /** The zip on disk. */
  zipPath: string;
  zipBytes: number;
  files: PackageFile[];
}

// ignore is CommonJS whose typings say `export default`; its factory carries itself as `.default`.
const ignore = ignoreModule.default;

interface Matcher {
  /** The folder the patterns are relative to, relative to the root ('' for the root). */
  base: string;
  rules: Ignore;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function ignored(matchers: readonly Matcher[], path: string, directory: boolean): boolean {
  for (const { base, rules } of matchers) {
    const inner = base === '' ? path : path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined;
    if (inner && rules.ignores(directory ? `${inner}/` : inner)) return true;
  }
  return false;
}

async function ignoreFile(dir: string, base: string, name: string): Promise<Matcher | undefined> {
  const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : { base, rules: ignore().add(text) };
}

/** What goes into the package: `.git` never, then what .gitignore, .rayignore and `excludes` leave out. */
async function walk(root: string, excludes: readonly string[], skip: readonly string[]): Promise<{ files: PackageFile[]; paths: { path: string; directory: boolean }[] }> {
  const files: PackageFile[] = [];
  const paths: { path: string; directory: boolean }[] = [];
  const top: Matcher = { base: '', rules: ignore().add([...excludes]) };
  const visit = async (dir: string, rel: string, inherited: Matcher[]) => {
    const own = (await Promise.all(['.gitignore', '.rayignore'].map((name) => ignoreFile(dir, rel, name)))).filter((m): m is Matcher => m !== undefined);
    const matchers = [...inherited, ...own];
    const names = (await readdir(dir)).sort();
    let kept = 0;
    for (const name of names) {
      if (name === '.git') continue;
      const absolute = join(dir, name);
      if (skip.includes(absolute)) continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      const info = await stat(absolute).catch(() => undefined);
      if (!info || !(info.isFile() || info.isDirectory())) continue;
      if (ignored(matchers, path, info.isDirectory())) continue;
      kept++;
      paths.push({ path, directory: info.isDirectory() });
      if (info.isDirectory()) {
        const before = files.length;
        const childCount = await visit(absolute, path, matchers);
        if (childCount === 0 && files.length === before) paths[paths.length - 1] = { path: `${path}/`, directory: true };
      } else files.push({ path, absolute, bytes: info.size });
    }
    return kept;
  };
  await visit(root, '', [top]);
  return { files, paths };
}

async function sha1Prefix(name: string, file?: string): Promise<Buffer> {
  const hash = createHash('sha1').update(name);
  if (file) for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest().subarray(0, 8);
}

/**
 * Ray's content address of a directory (packaging.py, `_hash_directory`): the XOR of sha1(relative
 * path, plus content for a file) over the root ('.') and every path kept, cut to 8 bytes by Ray's
 * XOR of unequal lengths and started from the bytes of '00000000'. Order-free, so the walk's order
 * does not matter.
 */
async function rayDirectoryHash(paths: readonly { path: string; directory: boolean }[], root: string): Promise<string> {
  const value = Buffer.from('00000000');
  const fold = (digest: Buffer) => {
    for (let i = 0; i < 8; i++) value[i] = (value[i] as number) ^ (digest[i] as number);
  };
  fold(await sha1Prefix('.'));
  for (const { path, directory } of paths) {
    const name = path.replace(/\/$/, '');
    fold(await sha1Prefix(name, directory ? undefined : join(root, name)));
  }
  return value.toString('hex');
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

/** The largest files and the largest top-level folders, for a message that says what to exclude. */
export function largestPaths(files: readonly PackageFile[], count = 5): string[] {
  const folders = new Map<string, number>();
  for (const file of files) {
    const slash = file.path.indexOf('/');
    if (slash > 0) folders.set(`${file.path.slice(0, slash)}/`, (folders.get(`${file.path.slice(0, slash)}/`) ?? 0) + file.bytes);
  }
  const ranked = [...files.map((f) => [f.path, f.bytes] as const), ...folders.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked.slice(0, count).map(([path, bytes]) => `${path} (${mib(bytes)})`);
}

export interface PackageOptions {
  /** gitignore-style patterns relative to the working directory (the `excludes` input). */
  excludes?: readonly string[];
  /** Absolute paths never packaged (modelci's own out-dir when it lies inside). */
  skip?: readonly string[];
  /** Where the zip is written. */
  scratchDir: string;
  maxBytes?: number;
}

/**
 * Zips `root` as Ray would ship it as a `working_dir`, deterministically (sorted entries, fixed
 * times), and names it by Ray's content hash. Over the limit, nothing is uploaded and the error
 * names the largest paths to exclude.
 */
export async function packageWorkingDir(root: string, options: PackageOptions): Promise<WorkingDirPackage> {
  const { files, paths } = await walk(root, options.excludes ?? [], options.skip ?? []);
  const uri = `gcs://_ray_pkg_${await rayDirectoryHash(paths, root)}.zip`;
  const entries: ZipEntry[] = paths.filter((p) => !p.directory || p.path.endsWith('/')).map((p) => (p.directory ? { name: p.path } : { name: p.path, source: join(root, p.path) }));
  await mkdir(options.scratchDir, { recursive: true });
  const zipPath = join(options.scratchDir, uri.slice('gcs://'.length));
  const partial = `${zipPath}.${process.pid}.partial`;
  let zipBytes: number;
  try {
    zipBytes = await writeZip(partial, entries);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const limit = options.maxBytes ?? RAY_PACKAGE_LIMIT;
  if (zipBytes >= limit) {
    await rm(partial, { force: true });
    throw usageError(`The working directory '${toPosix(root)}' zips to ${mib(zipBytes)}, over Ray's package limit of ${mib(limit)}. Largest: ${largestPaths(files).join(', ')}.`, {
      code: 'ray-package-too-large',
      hint: 'Leave data and build output out with the excludes input or .gitignore (read them from storage in the job), or give working-dir as an s3:// or https:// zip.',
    });
  }
  await rename(partial, zipPath);
  return { uri, zipPath, zipBytes, files };
}

/** A `working-dir` already on remote storage is handed to Ray as is (no upload). */
export function isRemoteWorkingDir(value: string): boolean {
  return /^(s3|gs|gcs|https?|file):\/\//i.test(value);
}
