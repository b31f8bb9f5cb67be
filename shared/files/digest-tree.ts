import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { sha256File, sha256Text, type FileDigest } from './digest.js';

async function listFiles(root: string, directory: string, files: string[]): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) await listFiles(root, path, files);
    else if (entry.isFile()) files.push(relative(root, path));
  }
}

/**
 * A file's sha256, or for a directory the sha256 of its sorted `sha256  path` lines
 * (the `sha256sum` format), so renames and content changes both change the digest.
 */
export async function digestPath(path: string, displayPath = path): Promise<FileDigest & { files?: number }> {
  const info = await stat(path);
  if (!info.isDirectory()) return { path: displayPath, sha256: await sha256File(path), bytes: info.size };
  const files: string[] = [];
  await listFiles(path, path, files);
  files.sort();
  let bytes = 0;
  const lines: string[] = [];
  for (const file of files) {
    const full = join(path, file);
    bytes += (await stat(full)).size;
    lines.push(`${await sha256File(full)}  ${file.split('\\').join('/')}`);
  }
  return { path: displayPath, sha256: sha256Text(lines.join('\n')), bytes, files: files.length };
}
