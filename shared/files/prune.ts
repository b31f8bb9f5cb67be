import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes every entry of a folder the caller owns except the named ones, so files an earlier run
 * wrote (a chart of another task, predictions of another format) do not pass for this run's.
 */
export async function removeAllBut(dir: string, keep: readonly string[]): Promise<void> {
  const kept = new Set(keep);
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.filter((name) => !kept.has(join(dir, name))).map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
