import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { CONFIG_FILE_NAME, loadProjectConfig, type ProjectConfig } from './project-config.js';
import { detectPlatform, parsePlatformName, summaryFilePath } from '../platform/create-platform.js';
import { ciDebugRequested } from '../platform/run-info.js';
import type { PlatformName } from '../platform/types.js';
import type { StepCatalog } from './catalog.js';

export type OutputFormat = 'text' | 'json';

/** The global options of a command line, as text (the CLI's `--config`, `--cwd`, ...). */
export type WorkspaceOptions = Partial<Record<'config' | 'out-dir' | 'format' | 'platform' | 'cwd' | 'verbose', string>>;

/** Where a command runs and with what: settled once, before any step starts. */
export interface Workspace {
  cwd: string;
  outDir: string;
  format: OutputFormat;
  platform: PlatformName;
  config?: ProjectConfig;
  verbose: boolean;
}

export async function resolveWorkspace(
  globals: WorkspaceOptions,
  processCwd: string,
  env: NodeJS.ProcessEnv,
  catalog: StepCatalog,
): Promise<Workspace> {
  const format = globals.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw usageError(`--format must be text or json, got '${format}'`, { code: 'usage' });
  }
  const explicitConfig = globals.config ? resolve(processCwd, globals.config) : undefined;
  const cwd = globals.cwd ? resolve(processCwd, globals.cwd) : explicitConfig ? dirname(explicitConfig) : processCwd;
  if (!existsSync(cwd)) throw usageError(`working directory not found: ${cwd}`, { code: 'usage', hint: 'Check --cwd.' });
  const discovered = join(cwd, CONFIG_FILE_NAME);
  const configFile = explicitConfig ?? (existsSync(discovered) ? discovered : undefined);
  const config = configFile ? await loadProjectConfig(configFile, catalog) : undefined;
  const platformText = globals.platform ?? env.MODELCI_PLATFORM;
  return {
    cwd,
    outDir: resolve(cwd, globals['out-dir'] ?? config?.outDir ?? '.modelci'),
    format,
    platform: platformText ? parsePlatformName(platformText) : detectPlatform(env),
    ...(config ? { config } : {}),
    verbose: globals.verbose === 'true' || ciDebugRequested(env),
  };
}

/**
 * Steps append their sections to the local summary.md; a new run starts it afresh, so it never
 * shows sections of an earlier run. GitHub's job summary is the runner's, not ours.
 */
export async function startRunSummary(workspace: Workspace): Promise<void> {
  if (workspace.platform === 'github') return;
  await rm(summaryFilePath(workspace.outDir), { force: true });
}
