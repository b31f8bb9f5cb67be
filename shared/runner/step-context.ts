import { join } from 'node:path';
import { createPlatform } from '../platform/create-platform.js';
import { DirectoryArtifactStore } from '../platform/directory-artifacts.js';
import type { ArtifactStore, Platform } from '../platform/types.js';
import type { StepContext } from './types.js';
import { configSettings } from './project-config.js';
import type { Workspace } from './workspace.js';

async function artifactStore(workspace: Workspace, env: NodeJS.ProcessEnv, platform: Platform): Promise<ArtifactStore> {
  if (workspace.platform === 'github') {
    const { GithubArtifactStore } = await import('../platform/github-artifacts.js');
    return new GithubArtifactStore({ env, warn: (message) => platform.warning(message) });
  }
  return new DirectoryArtifactStore(join(workspace.outDir, 'artifacts'));
}

export async function createStepContext(workspace: Workspace, stepName: string, env: NodeJS.ProcessEnv, signal: AbortSignal, log?: NodeJS.WritableStream): Promise<StepContext> {
  const platform = await createPlatform(workspace.platform, {
    env,
    outDir: workspace.outDir,
    stepName: stepName.replace(/\s+/g, '_'),
    verbose: workspace.verbose,
    ...(log ? { log } : {}),
  });
  const settings = configSettings(workspace.config, stepName);
  const stages = workspace.config?.stages;
  return { platform, artifacts: await artifactStore(workspace, env, platform), cwd: workspace.cwd, outDir: workspace.outDir, env, signal, ...(settings ? { settings } : {}), ...(stages ? { stages } : {}) };
}

/** GitLab outputs are written in the background; wait for them before the process ends. */
export async function flushPlatform(ctx: StepContext): Promise<void> {
  const flush = (ctx.platform as { flush?: () => Promise<void> }).flush;
  if (flush) await flush.call(ctx.platform);
}
