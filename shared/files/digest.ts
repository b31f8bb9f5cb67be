import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface FileDigest {
  path: string;
  sha256: string;
  bytes: number;
}

/** Streams the file, so memory stays flat for multi-GB models and data. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function digestFile(path: string, displayPath = path): Promise<FileDigest> {
  const [sha256, info] = await Promise.all([sha256File(path), stat(path)]);
  return { path: displayPath, sha256, bytes: info.size };
}

export function sha256Text(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
