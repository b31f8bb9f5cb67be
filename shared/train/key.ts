import { join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { sha256Text } from '../files/digest.js';
import { digestPath, displayPath, type DigestedPath } from '../files/paths.js';
import { cacheKey } from './cache.js';
import { codeFiles, type CodeFile } from './code-files.js';
import { codeState, type CodeState } from './code-state.js';
import { isSecretName, parseEnv } from './env.js';
import { unflatten } from './flatten.js';
import { loadParams, type Params } from './params.js';

/** The train inputs that decide the run-cache key. */
export interface TrainKeyInputs {
  command: string;
  shell: string;
  outputs: string[];
  metricsFiles: string[];
  deps: string[];
  code: string[];
  cacheDir?: string | undefined;
  params?: string | undefined;
}

export interface TrainPaths {
  workdir: string;
  cacheDir: string;
  recordPath: string;
  paramsFile?: { path: string; display: string };
  metrics: { absolute: string; display: string }[];
  outputs: { absolute: string; display: string }[];
  deps: { absolute: string; display: string }[];
}

function unique(paths: string[]): string[] {
  return [...new Set(paths.map((p) => p.trim()).filter(Boolean))];
}

export function resolveTrainPaths(input: TrainKeyInputs, where: { cwd: string; outDir: string }): TrainPaths {
  // The command runs where modelci runs: --cwd, the action's working-directory, or the config file's folder.
  const workdir = where.cwd;
  const at = (path: string) => {
    const absolute = resolve(workdir, path);
    return { absolute, display: displayPath(workdir, absolute) };
  };
  const paramsFile = input.params ? at(input.params) : undefined;
  return {
    workdir,
    cacheDir: input.cacheDir ? resolve(where.cwd, input.cacheDir) : join(where.outDir, 'cache', 'train'),
    recordPath: join(where.outDir, 'train', 'record.json'),
    ...(paramsFile ? { paramsFile: { path: paramsFile.absolute, display: paramsFile.display } } : {}),
    metrics: unique(input.metricsFiles).map(at),
    outputs: unique(input.outputs).map(at),
    deps: unique(input.deps).map(at),
  };
}

async function digestDeps(deps: TrainPaths['deps']): Promise<DigestedPath[]> {
  return Promise.all(
    deps.map(async ({ absolute, display }) => {
      const digest = await digestPath(absolute, display);
      if (!digest) {
        throw usageError(`Data path '${display}' does not exist.`, {
          code: 'train-dep-missing',
          hint: 'deps are relative to the working directory; create the data before training, or fix the path.',
          location: { file: display },
        });
      }
      return digest;
    }),
  );
}

/** The command's environment: modelci's, the env entries, and the merged params as JSON. */
export function commandEnvironment(env: NodeJS.ProcessEnv, envEntries: [string, string][], params: Params): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = { ...env, ...Object.fromEntries(envEntries) };
  if (Object.keys(params).length > 0) childEnv.MODELCI_PARAMS = JSON.stringify(unflatten(params));
  return childEnv;
}

/** The code part of the key: the files of the `code` input, else git's view of the working directory. */
export type CodeKey = { files: [string, string][] } | { tree: string | null; diff: string | null; untracked: string | null } | 'no git';

/**
 * Everything the run-cache key is the digest of, as stored beside each cache entry so a later miss
 * can say what changed. Environment values are kept as digests (secret-named ones not at all).
 */
export interface KeyMaterial {
  command: string;
  shell: string;
  env: [string, string | null][];
  params: Params;
  code: CodeKey;
  deps: { path: string; sha256: string }[];
  outputs: string[];
  metrics: string[];
}

/** What a train run is set up from: its paths, env entries, merged params and the command's environment. */
export interface TrainSetup {
  paths: TrainPaths;
  envEntries: [string, string][];
  params: Params;
  childEnv: NodeJS.ProcessEnv;
}

/** The step and the dry-run plan set a run up the same way. */
export async function trainSetup(input: TrainKeyInputs & { env: string[]; param: string[] }, where: { cwd: string; outDir: string; env: NodeJS.ProcessEnv }): Promise<TrainSetup> {
  const paths = resolveTrainPaths(input, where);
  const envEntries = parseEnv(input.env);
  const params = await loadParams(paths.paramsFile, input.param);
  return { paths, envEntries, params, childEnv: commandEnvironment(where.env, envEntries, params) };
}

export interface TrainKey {
  key: string;
  material: KeyMaterial;
  deps: DigestedPath[];
  code: CodeState;
  /** The files of the `code` input, when it is given. */
  codeFiles?: CodeFile[];
}

/** The run-cache key of a train, computed the same way by the step and by `modelci run --dry-run`. */
export async function trainKey(input: TrainKeyInputs, { paths, envEntries, params, childEnv }: TrainSetup, outDir: string): Promise<TrainKey> {
  // Paths the run writes must not count as code changes, or every run would change the key.
  const written = [...paths.outputs, ...paths.metrics].map((p) => p.absolute).concat(outDir, paths.cacheDir, ...paths.deps.map((p) => p.absolute));
  const [deps, code, files] = await Promise.all([
    digestDeps(paths.deps),
    codeState(paths.workdir, written, childEnv),
    input.code.length > 0 ? codeFiles(paths.workdir, input.code, written) : Promise.resolve(undefined),
  ]);
  const material: KeyMaterial = {
    command: input.command,
    shell: input.shell,
    // Secret values never enter the key; changing a token does not change a model.
    env: envEntries.map(([name, value]): [string, string | null] => [name, isSecretName(name) ? null : sha256Text(value)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    params,
    code: files ? { files: files.map((file): [string, string] => [file.path, file.sha256]) } : code.git ? { tree: code.treeSha, diff: code.diffSha256, untracked: code.untrackedSha256 } : 'no git',
    deps: deps.map((d) => ({ path: d.path, sha256: d.sha256 })),
    outputs: paths.outputs.map((p) => p.display),
    metrics: paths.metrics.map((p) => p.display),
  };
  return { key: cacheKey(material as unknown as Record<string, unknown>), material, deps, code, ...(files ? { codeFiles: files } : {}) };
}
