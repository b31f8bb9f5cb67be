import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';
import type { RunInfo } from '../../shared/platform/types.js';
import { repoRoot } from '../helpers/python.js';
import { FakePlatform, tempDir } from '../train/helpers.js';
import type { RayCluster } from './cluster.js';

/** The cluster test/ray/cluster.ts started, or undefined (the file's cases then skip, or fail under MODELCI_REQUIRE_REFERENCES). */
export function rayCluster(): RayCluster | undefined {
  const provided = inject('ray');
  return 'address' in provided ? provided : undefined;
}

/** A GitHub job with the given run facts (what the submission id is made of). */
export class CiPlatform extends FakePlatform {
  constructor(private readonly runInfo: RunInfo) {
    super('github');
  }
  override run(): RunInfo {
    return this.runInfo;
  }
}

export const churnExample = join(repoRoot, 'examples', 'churn');

/** Temp folders removed after the file's cases; `churn` copies the example's training files in. */
export function projects(): { empty(prefix: string): Promise<string>; churn(prefix: string): Promise<string> } {
  const made: { cleanup(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(made.map((dir) => dir.cleanup()));
  });
  const empty = async (prefix: string) => {
    const dir = await tempDir(prefix);
    made.push(dir);
    return dir.path;
  };
  return {
    empty,
    async churn(prefix) {
      const dir = await empty(prefix);
      for (const name of ['train.py', 'params.json', 'data']) await cp(join(churnExample, name), join(dir, name), { recursive: true });
      return dir;
    },
  };
}
