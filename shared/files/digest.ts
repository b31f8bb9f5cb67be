import { createHash } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface FileDigest {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * Reads the file through one reused buffer, so memory stays flat for multi-GB models and data
 * (a stream would leave a fresh buffer per chunk for the garbage collector).
 */
export async function sha256File(path: string, observe?: { reusedRead?(): void }): Promise<string> {
  const known = readDigests.get(resolve(path));
  if (known && known.identity === identity(await stat(path))) {
    observe?.reusedRead?.();
    return known.sha256;
  }
  const ahead = await aheadDigest(path);
  if (ahead !== undefined) {
    observe?.reusedRead?.();
    return ahead;
  }
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export async function digestFile(path: string, displayPath = path): Promise<FileDigest> {
  const [sha256, info] = await Promise.all([sha256File(path), stat(path)]);
  return { path: displayPath, sha256, bytes: info.size };
}

export function sha256Text(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Digests of files read whole for another purpose (validate-data reads every byte of its CSV):
 * sha256File answers from here while the file's identity (device, inode, size, times) is unchanged,
 * instead of reading the file a second time.
 */
const readDigests = new Map<string, { identity: string; sha256: string }>();

function identity(info: Stats): string {
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}

/** Hashes a file's bytes as a reader goes through them in order; `finish` remembers the digest. */
export class DigestWhileReading {
  private readonly hash = createHash('sha256');

  constructor(
    private readonly path: string,
    private readonly before: Stats,
  ) {}

  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  /** Call at the end of the file with its stats then; a file changed while read is not remembered. */
  finish(after: Stats): void {
    const key = identity(this.before);
    if (key === identity(after)) readDigests.set(resolve(this.path), { identity: key, sha256: this.hash.digest('hex') });
  }
}

/** Files smaller than this are hashed when asked for: a thread would cost more than it saves. */
const AHEAD_MIN_BYTES = 32 * 2 ** 20;

// Runs as a CommonJS script in its own thread: it needs nothing but Node, so no bundle ships it.
const HASHER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const hash = createHash('sha256');
const fd = openSync(workerData, 'r');
const buffer = Buffer.allocUnsafeSlow(1 << 20);
try {
  for (let read; (read = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, read));
} finally {
  closeSync(fd);
}
parentPort.postMessage(hash.digest('hex'));
`;

/** Digests being worked out on another thread, by file, for the identity the file had then. */
const aheadDigests = new Map<string, { identity: string; sha256: Promise<string | undefined> }>();

/**
 * Starts hashing a large file on another thread, for a reader that does not go through its bytes
 * in order (Parquet): the evidence's digest of it is then ready, or nearly, when the reading ends,
 * instead of being a second pass after it. sha256File takes the answer while the file is unchanged.
 */
export function digestAhead(path: string): void {
  const key = resolve(path);
  let info: Stats;
  try {
    info = statSync(key);
  } catch {
    return;
  }
  if (!info.isFile() || info.size < AHEAD_MIN_BYTES || aheadDigests.get(key)?.identity === identity(info)) return;
  let worker: Worker;
  try {
    worker = new Worker(HASHER, { eval: true, workerData: key });
  } catch {
    return;
  }
  // Never what keeps the process alive: a step that fails early does not wait for the hash.
  worker.unref();
  const sha256 = new Promise<string | undefined>((done) => {
    worker.once('message', (hex: string) => done(hex));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
  aheadDigests.set(key, { identity: identity(info), sha256 });
}

/** The digest started by digestAhead, when the file is as it was then and still is at the end. */
async function aheadDigest(path: string): Promise<string | undefined> {
  const key = resolve(path);
  const ahead = aheadDigests.get(key);
  if (ahead === undefined) return undefined;
  aheadDigests.delete(key);
  const sha256 = await ahead.sha256;
  const now = await stat(key).catch(() => undefined);
  return sha256 !== undefined && now !== undefined && identity(now) === ahead.identity ? sha256 : undefined;
}
