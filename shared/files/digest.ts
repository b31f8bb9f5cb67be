import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

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
