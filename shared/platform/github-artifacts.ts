import type { ArtifactStore } from './types.js';

type UploadResult = { id?: string | number; size?: number } | undefined;

/** The part of @actions/artifact's client we use; tests pass a fake. */
export interface ArtifactClientLike {
  uploadArtifact(name: string, files: string[], rootDirectory: string, options?: { retentionDays?: number; compressionLevel?: number }): Promise<{ id?: number; size?: number; digest?: string }>;
}

export interface GithubArtifactStoreOptions {
  env: NodeJS.ProcessEnv;
  /** Called when the upload is skipped (not inside a GitHub Actions job). */
  warn?: (message: string) => void;
  /** Defaults to @actions/artifact's DefaultArtifactClient, imported on first upload. */
  client?: () => Promise<ArtifactClientLike>;
  retentionDays?: number;
}

/**
 * GitHub Actions artifacts through @actions/artifact (v2 artifact service). The SDK is imported on
 * the first upload only, so the CLI's cold start does not pay for it.
 */
export class GithubArtifactStore implements ArtifactStore {
  constructor(private readonly options: GithubArtifactStoreOptions) {}

  async upload(name: string, files: string[], rootDirectory: string): Promise<UploadResult> {
    const { env } = this.options;
    // The runner hands these to every action step; without them the SDK can only fail.
    if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
      this.options.warn?.(`artifact '${name}' not uploaded: ACTIONS_RUNTIME_TOKEN/ACTIONS_RESULTS_URL are not set, so this is not a GitHub Actions job step.`);
      return undefined;
    }
    if (files.length === 0) return undefined;
    const client = await (this.options.client ?? defaultClient)();
    const retentionDays = this.options.retentionDays ?? (env.MODELCI_ARTIFACT_RETENTION_DAYS ? Number(env.MODELCI_ARTIFACT_RETENTION_DAYS) : undefined);
    const response = await client.uploadArtifact(name, files, rootDirectory, retentionDays ? { retentionDays } : {});
    return { ...(response.id !== undefined ? { id: response.id } : {}), ...(response.size !== undefined ? { size: response.size } : {}) };
  }
}

async function defaultClient(): Promise<ArtifactClientLike> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  return new DefaultArtifactClient();
}
