import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkRelativePath, digestMismatch } from './model-files.js';
import { stagePull } from './staging.js';
import type { ModelFile, Progress } from './types.js';

/** Writes one stored file to `target` and reports what it wrote. */
export type FetchFile = (file: ModelFile, target: string, onBytes: (bytes: number) => void) => Promise<{ digest: string; bytes: number }>;

/**
 * Fetches files into `dest` through a staging directory: every digest and size is verified
 * before `dest` appears, and nothing is left behind when one fails.
 */
export async function pullFiles(files: readonly ModelFile[], dest: string, fetch: FetchFile, describe: (file: ModelFile) => string, progress?: Progress): Promise<void> {
  for (const file of files) checkRelativePath(file.path);
  const stage = await stagePull(dest);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  try {
    for (const file of files) {
      const target = join(stage.dir, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      const copied = await fetch(file, target, (bytes) => progress?.('pull', done + bytes, total));
      if (copied.digest !== file.digest || copied.bytes !== file.size) throw digestMismatch(describe(file), file.digest, copied.digest);
      done += file.size;
    }
    await stage.commit();
  } catch (error) {
    await stage.abort();
    throw error;
  }
}
