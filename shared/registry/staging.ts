import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { usageError } from '../errors.js';

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
