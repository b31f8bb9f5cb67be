import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';

export interface FileDigest {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * Reads the file through one reused buffer, so memory stays flat for multi-GB models and data
 * (a stream would leave a fresh buffer per chunk for the garbage collector).
 */
export async function sha256File(path: string): Promise<string> {
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
