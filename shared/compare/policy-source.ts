import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { usageError, type ModelciError } from '../errors.js';
import { YamlSource } from '../text/yaml-source.js';
import { normalizePolicy, PolicyProblem, policyFileSchema, type Policy, type PolicyInput, type PolicyLocator } from './policy.js';

export interface LocatedPolicy {
  policy: Policy;
  locate: PolicyLocator;
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('');
}

/** A policy problem as the exit-2 error naming the key and where it was written. */
export function policyError(problem: PolicyProblem, locate: PolicyLocator, prefix: string): ModelciError {
  return usageError(`'${prefix}${pathText(problem.path)}': ${problem.message}`, { code: 'compare-policy-invalid', location: locate(problem.path), ...(problem.hint ? { hint: problem.hint } : {}) });
}

export function normalizeLocated(input: PolicyInput, locate: PolicyLocator, prefix: string): LocatedPolicy {
  try {
    return { policy: normalizePolicy(input), locate };
  } catch (error) {
    if (error instanceof PolicyProblem) throw policyError(error, locate, prefix);
    throw error;
  }
}

/** `--policy FILE`: the same keys as the `compare:` section of modelci.yaml, at the top level. */
export async function readPolicyFile(absolute: string, cwd: string): Promise<LocatedPolicy> {
  const shown = relative(cwd, absolute).split('\\').join('/') || absolute;
  const text = await readFile(absolute, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw usageError(`cannot read the policy ${shown}: ${error.code ?? String(error)}`, { code: 'compare-policy-unreadable', location: { file: shown } });
  });
  const source = YamlSource.parse(shown, text);
  const locate: PolicyLocator = (path) => {
    for (let depth = path.length; depth > 0; depth--) {
      const node = source.nodeAt(path.slice(0, depth));
      if (node) return source.locateNode(depth === path.length ? source.pairAt(path.slice(0, -1), String(path[path.length - 1])) ?? node : node);
    }
    return { file: shown, line: 1, column: 1 };
  };
  const raw = source.toJS() ?? {};
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const path = (issue?.path ?? []).filter((part): part is string | number => typeof part !== 'symbol');
    const unknown = issue?.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.[0] : undefined;
    const at = unknown ? [...path, unknown] : path;
    throw usageError(`'${shown}${pathText(at)}': ${unknown ? `unknown key '${unknown}'` : (issue?.message ?? 'invalid value')}`, { code: 'compare-policy-invalid', location: locate(at), hint: 'Policy keys: first-model, paired, alpha, resamples, seed, metrics (each metric: direction, min, max, min-improvement, max-regression, significance). See docs/compare.md.' });
  }
  return normalizeLocated(parsed.data, locate, shown);
}
