import { displayValue } from '../text/display-value.js';
import { listEntries } from './cache.js';
import { execCapture } from './exec.js';
import { flatten } from './flatten.js';
import type { CodeKey, KeyMaterial } from './key.js';

/** Files named in one reason before "and N more". */
const MAX_NAMED = 10;

function named(kind: string, names: string[]): string | null {
  if (names.length === 0) return null;
  const shown = names.slice(0, MAX_NAMED).join(', ');
  return `${kind} ${shown}${names.length > MAX_NAMED ? ` and ${names.length - MAX_NAMED} more` : ''}`;
}

/** Added, removed and changed names between two name -> digest maps. */
function changedNames(before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  const parts = [
    named('changed', [...after.keys()].filter((name) => before.has(name) && JSON.stringify(before.get(name)) !== JSON.stringify(after.get(name)))),
    named('added', [...after.keys()].filter((name) => !before.has(name))),
    named('removed', [...before.keys()].filter((name) => !after.has(name))),
  ];
  return parts.filter((part): part is string => part !== null);
}

/** Files that differ between two git trees of the working directory; null when git cannot say. */
export type TreeDiff = (beforeTree: string, afterTree: string) => Promise<string[] | null>;

/** `git diff-tree` between the two tree ids (both stay in the object store while the commits do). */
export function gitTreeDiff(workdir: string, env: NodeJS.ProcessEnv): TreeDiff {
  return async (beforeTree, afterTree) => {
    const result = await execCapture('git', ['-c', 'core.quotePath=false', 'diff-tree', '-r', '--name-only', '-z', beforeTree, afterTree], { cwd: workdir, env: { ...env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } });
    return result?.code === 0 ? result.stdout.toString('utf8').split('\0').filter(Boolean) : null;
  };
}

async function codeReasons(before: CodeKey, after: CodeKey, treeDiff?: TreeDiff): Promise<string[]> {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (typeof before === 'object' && typeof after === 'object' && 'files' in before && 'files' in after) {
    return [`code: ${changedNames(new Map(before.files), new Map(after.files)).join('; ')}`];
  }
  if (typeof before === 'object' && typeof after === 'object' && 'tree' in before && 'tree' in after) {
    const files = before.tree && after.tree && before.tree !== after.tree && treeDiff ? await treeDiff(before.tree, after.tree) : null;
    const parts = [
      before.tree !== after.tree ? (files?.length ? `committed ${named('changes in', files)}` : `committed code changed (git tree ${before.tree?.slice(0, 12) ?? 'none'} -> ${after.tree?.slice(0, 12) ?? 'none'})`) : null,
      before.diff !== after.diff ? 'uncommitted changes differ' : null,
      before.untracked !== after.untracked ? 'untracked files differ' : null,
    ];
    return [`code: ${parts.filter(Boolean).join(', ')}`];
  }
  const mode = (key: CodeKey) => (key === 'no git' ? 'no git' : 'files' in key ? 'the code input' : 'the git tree');
  return [`code: now keyed by ${mode(after)}, before by ${mode(before)}`];
}

/** What differs between the key material of an earlier run and this one, one reason per part, as `dvc status` lists them. */
export async function missReasons(before: KeyMaterial, after: KeyMaterial, treeDiff?: TreeDiff): Promise<string[]> {
  const reasons: string[] = [];
  if (before.command !== after.command) reasons.push('command changed');
  if (before.shell !== after.shell) reasons.push(`shell ${before.shell} -> ${after.shell}`);
  const flatBefore = flatten(before.params, { keepArrays: true });
  const flatAfter = flatten(after.params, { keepArrays: true });
  const paramChanges = [
    ...Object.keys(flatAfter).filter((key) => key in flatBefore && JSON.stringify(flatBefore[key]) !== JSON.stringify(flatAfter[key])).map((key) => `${key} ${displayValue(flatBefore[key])} -> ${displayValue(flatAfter[key])}`),
    ...Object.keys(flatAfter).filter((key) => !(key in flatBefore)).map((key) => `${key} added`),
    ...Object.keys(flatBefore).filter((key) => !(key in flatAfter)).map((key) => `${key} removed`),
  ];
  if (paramChanges.length) reasons.push(`params: ${paramChanges.slice(0, MAX_NAMED).join(', ')}${paramChanges.length > MAX_NAMED ? ` and ${paramChanges.length - MAX_NAMED} more` : ''}`);
  const deps = changedNames(new Map(before.deps.map((d) => [d.path, d.sha256])), new Map(after.deps.map((d) => [d.path, d.sha256])));
  if (deps.length) reasons.push(`deps: ${deps.join('; ')}`);
  reasons.push(...(await codeReasons(before.code, after.code, treeDiff)));
  // Values are digests (secret-named ones absent), so only names are ever shown.
  const env = changedNames(new Map(before.env), new Map(after.env));
  if (env.length) reasons.push(`environment: ${env.join('; ')}`);
  return reasons;
}

const sameTrain = (a: KeyMaterial, b: KeyMaterial) => JSON.stringify([a.outputs, a.metrics]) === JSON.stringify([b.outputs, b.metrics]);

/**
 * Why the cache has no entry for this key: compared with the latest stored run of the same train
 * (the same outputs and metrics files). Returns one line for the log.
 */
export async function explainMiss(cacheDir: string, material: KeyMaterial, treeDiff?: TreeDiff): Promise<string> {
  const earlier = (await listEntries(cacheDir))
    .filter((record) => record.material !== undefined && sameTrain(record.material as unknown as KeyMaterial, material))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))[0];
  if (!earlier) return 'no earlier run of this train in the cache';
  const reasons = await missReasons(earlier.material as unknown as KeyMaterial, material, treeDiff);
  return `since the run of ${earlier.createdAt}: ${reasons.length ? reasons.join('; ') : 'the key material is the same but the entry is gone'}`;
}
