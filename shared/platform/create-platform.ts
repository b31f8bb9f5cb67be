import { join } from 'node:path';
import { usageError } from '../errors.js';
import { GitlabPlatform } from './gitlab.js';
import { LocalPlatform } from './local.js';
import type { Platform, PlatformName } from './types.js';

export const PLATFORM_NAMES: readonly PlatformName[] = ['github', 'gitlab', 'local'];

export function detectPlatform(env: NodeJS.ProcessEnv): PlatformName {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  return 'local';
}

export function parsePlatformName(value: string): PlatformName {
  if ((PLATFORM_NAMES as readonly string[]).includes(value)) return value as PlatformName;
  throw usageError(`unknown platform '${value}'`, { code: 'input-invalid', hint: `Use one of: ${PLATFORM_NAMES.join(', ')} (or leave it out to detect from the environment).` });
}

export interface PlatformOptions {
  env: NodeJS.ProcessEnv;
  outDir: string;
  /** Prefix for GitLab dotenv output names. */
  stepName: string;
  log?: NodeJS.WritableStream;
  verbose?: boolean;
}

/** Where the job summary goes off GitHub (GitHub keeps its own). */
export function summaryFilePath(outDir: string): string {
  return join(outDir, 'summary.md');
}

export async function createPlatform(name: PlatformName, options: PlatformOptions): Promise<Platform> {
  const summaryFile = summaryFilePath(options.outDir);
  if (name === 'github') {
    const { GithubPlatform } = await import('./github.js');
    return GithubPlatform.create(options.env);
  }
  if (name === 'gitlab') {
    return new GitlabPlatform({
      env: options.env,
      ...(options.log ? { log: options.log } : {}),
      dotenvFile: options.env.MODELCI_DOTENV ?? join(options.outDir, 'modelci.env'),
      summaryFile,
      outputPrefix: `MODELCI_${options.stepName}_`,
    });
  }
  return new LocalPlatform({
    summaryFile,
    ...(options.log ? { log: options.log } : {}),
    color: Boolean((options.log ?? process.stderr) === process.stderr && process.stderr.isTTY && !options.env.NO_COLOR),
    ...(options.verbose !== undefined ? { verbose: options.verbose } : {}),
  });
}
