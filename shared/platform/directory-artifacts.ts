import { cp, mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ArtifactStore } from './types.js';

/**
 * Off GitHub, an "upload" copies files under `<outDir>/artifacts/<name>/`; a GitLab job
 * publishes that folder with `artifacts: paths: [.modelci/]`.
 */
export class DirectoryArtifactStore implements ArtifactStore {
  constructor(private readonly directory: string) {}

  async upload(name: string, files: string[], rootDirectory: string): Promise<{ id: string; size?: number }> {
    const target = join(this.directory, name);
    await mkdir(target, { recursive: true });
    for (const file of files) {
      const path = relative(rootDirectory, resolve(rootDirectory, file));
      await cp(resolve(rootDirectory, file), join(target, path), { recursive: true });
    }
    return { id: target };
  }
}
