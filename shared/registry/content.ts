import { parseEvidence } from '../evidence/read.js';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { environmentError, usageError } from '../errors.js';
import type { EvidenceEntry, ModelFile, PushMetadata } from './types.js';
import { listTree, treeDigest } from '../files/paths.js';
import { ciActor } from '../platform/run-info.js';

export interface ScannedFile extends ModelFile {
  /** Absolute path on disk. */
  absolute: string;
}

export interface ScannedModel {
  files: ScannedFile[];
  digest: string;
  size: number;
}

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Model names must be valid as a path segment, an OCI repository component and an MLflow name. */
export function checkModelName(name: string): void {
  if (!NAME.test(name) || name.length > 128) {
    throw usageError(`Invalid model name '${name}'.`, {
      code: 'registry-bad-name',
      hint: 'Use lowercase letters, digits and single . _ - separators (e.g. churn or churn-xgb), at most 128 characters.',
    });
  }
}

const ALIAS = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;

export function checkAlias(alias: string): void {
  if (!ALIAS.test(alias) || /^(content|history|modelci)-/i.test(alias) || /^v\d+$/.test(alias)) {
    throw usageError(`Invalid alias '${alias}'.`, {
      code: 'registry-bad-alias',
      hint: 'An alias starts with a letter, then letters, digits, _ or - (e.g. champion, staging); it may not look like a version (v3) or start with content-, history- or modelci-.',
    });
  }
}

const RECORD = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A record's name is a file name in every backend (a path segment, an MLflow artifact, an OCI annotation). */
export function checkRecordName(record: string): void {
  if (!RECORD.test(record) || record.includes('..')) {
    throw usageError(`Invalid record name '${record}'.`, { code: 'registry-bad-name', hint: 'A record name is a file name of letters, digits, . _ and -, at most 128 characters.' });
  }
}

export function isVersion(text: string): boolean {
  return /^[1-9][0-9]{0,8}$/.test(text);
}

/** `3`, `v3` -> `3`; anything else is an alias name. */
export function normalizeVersion(text: string): string | undefined {
  const bare = text.startsWith('v') ? text.slice(1) : text;
  return isVersion(bare) ? bare : undefined;
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
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The content digest of a model: sha256 over `<hex>  <path>\n` lines sorted by path, the
 * format `sha256sum` prints. Names and bytes of every file count; timestamps and order do not.
 */
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

/** The evidence files to attach, hashed, each described by the step and status it records. */
export async function readEvidence(entries: readonly { name: string; absolute: string }[] | undefined): Promise<{ files: (ScannedFile & EvidenceEntry)[] }> {
  const files: (ScannedFile & EvidenceEntry)[] = [];
  for (const { name, absolute } of entries ?? []) {
    const info = await stat(absolute);
    if (!info.isFile()) continue;
    const entry: ScannedFile & EvidenceEntry = { path: name, absolute, digest: await digestOfFile(absolute), size: info.size };
    if (name.endsWith('.json')) {
      try {
        const record = parseEvidence(await readFile(absolute, 'utf8'), { shown: name });
        Object.assign(entry, { step: record.step, status: record.status, summary: record.summary });
      } catch {
        // Not a record this modelci reads (predictions, a newer schema): attach it anyway, undescribed.
      }
    }
    files.push(entry);
  }
  return { files };
}

/** Metrics travel as one JSON text where a backend stores only strings (OCI annotations, MLflow tags); `show` turns it back into an object. */
export function splitMetrics(metadata: Record<string, string>): { metadata: Record<string, string>; metrics?: Record<string, number> } {
  const { metrics, ...rest } = metadata;
  if (metrics === undefined) return { metadata: rest };
  try {
    const parsed = JSON.parse(metrics) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { metadata: rest, metrics: parsed as Record<string, number> };
  } catch {
    // Written by another tool: keep the text where it was.
  }
  return { metadata };
}

export function metadataRecord(metadata: PushMetadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (metadata?.gitSha) out.gitSha = metadata.gitSha;
  if (metadata?.runUrl) out.runUrl = metadata.runUrl;
  if (metadata?.metrics && Object.keys(metadata.metrics).length > 0) out.metrics = JSON.stringify(metadata.metrics);
  if (metadata?.evaluateRows) out.evaluateRows = metadata.evaluateRows;
  if (metadata?.allowedFailedEvidence?.length) out.allowedFailedEvidence = metadata.allowedFailedEvidence.join(',');
  return out;
}

/**
 * Pull target: files go into a hidden temp dir beside `dest`; `commit` renames it into place
 * only after every digest verified, `abort` removes it. `dest` must be absent or empty.
 */
export async function stagePull(dest: string): Promise<{ dir: string; commit(): Promise<void>; abort(): Promise<void> }> {
  try {
    const info = await stat(dest);
    if (!info.isDirectory() || (await readdir(dest)).length > 0) {
      throw usageError(`Destination '${dest}' exists and is not an empty directory.`, { code: 'registry-dest-exists', hint: 'Pull into a new directory, or remove the old one first.' });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const parent = dirname(dest);
  await mkdir(parent, { recursive: true });
  const dir = join(parent, `.${basename(dest)}.pull-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir);
  return {
    dir,
    async commit() {
      await rmdir(dest).catch(() => undefined);
      await rename(dir, dest);
    },
    async abort() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function digestMismatch(what: string, expected: string, actual: string): Error {
  return environmentError(`Digest mismatch for ${what}: expected ${expected}, got ${actual}.`, {
    code: 'registry-digest-mismatch',
    hint: 'The stored copy is corrupt or was changed; nothing was written. Push the model again or restore the registry from a backup.',
  });
}

export function whoAmI(env: NodeJS.ProcessEnv): string {
  return ciActor(env) ?? env.USER ?? env.USERNAME ?? 'unknown';
}
