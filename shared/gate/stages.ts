import { z } from 'zod';
import { usageError, type SourceLocation } from '../errors.js';
import { sha256Text } from '../files/digest.js';
import { didYouMean } from '../text/did-you-mean.js';
import type { YamlSource } from '../text/yaml-source.js';
import { durationSchema } from './duration.js';
import { analysisSpecSchema, type AnalysisSpec } from './types.js';

const STAGE_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;

/** One entry of `stages:` in modelci.yaml, as written (kebab-case keys). */
export const stageSchema = z
  .object({
    name: z.string().regex(STAGE_NAME, 'a stage name starts with a letter, then letters, digits, _ or - (it names the alias the stage moves)'),
    requires: z.array(z.string().min(1)).default([]),
    after: z.string().min(1).optional(),
    'min-soak': durationSchema.optional(),
    analysis: analysisSpecSchema.optional(),
    approvals: z.literal('environment').optional(),
    environment: z.string().min(1).optional(),
    deploy: z.string().min(1).optional(),
    'rollback-on-failure': z.boolean().default(true),
  })
  .strict();

export const STAGE_KEYS = Object.keys(stageSchema.shape);

const DURATION_KEYS = ['min-soak', 'interval', 'initial-delay', 'timeout'];

/** A stage as the gate uses it; durations in milliseconds. */
export interface Stage {
  name: string;
  /** Steps whose evidence must be attached to the version, passed, and belong to its content digest. */
  requires: string[];
  /** The stage the version must come from (held by its alias). */
  after?: string;
  minSoakMs?: number;
  analysis?: AnalysisSpec;
  approvals?: 'environment';
  /** The CI environment (GitHub environment, GitLab environment); default the stage name. */
  environment: string;
  /** A command run after the alias moved and before the analysis. */
  deploy?: string;
  rollbackOnFailure: boolean;
  /** sha256 of the stage's canonical JSON: what the audit record's policy digest names. */
  policyDigest: string;
  /** The stage's entry as written, after defaults: the policy the digest covers. */
  policy: Record<string, unknown>;
}

export interface StagesConfig {
  file: string;
  stages: Stage[];
  /** Where a stage's key was written, for errors found while running. */
  locate(stage: string, key?: string): SourceLocation;
}

/** JSON with keys sorted at every level, so the same policy always has the same digest. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function refuse(message: string, location: SourceLocation, hint?: string): never {
  throw usageError(message, { code: 'config-stages', location, ...(hint ? { hint } : {}) });
}

function locateIn(source: YamlSource, path: readonly (string | number)[]): SourceLocation {
  for (let length = path.length; length > 0; length--) {
    const node = source.nodeAt(path.slice(0, length));
    if (node) return source.locateNode(node);
  }
  return { file: source.file };
}

function parseStage(source: YamlSource, raw: unknown, index: number): Stage {
  const at = ['stages', index];
  const parsed = stageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    const name = typeof (raw as { name?: unknown } | null)?.name === 'string' ? (raw as { name: string }).name : `#${index + 1}`;
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const pair = source.pairAt([...at, ...path], key);
      const known = path.length === 0 ? STAGE_KEYS : [];
      refuse(`stage ${name}: unknown key '${[...path, key].join('.')}'`, pair ? source.locateNode(pair) : locateIn(source, [...at, ...path]), known.length ? didYouMean(key, known) : 'See docs/gate.md for the keys of a stage and its analysis.');
    }
    const key = path.at(-1);
    const bareNumber = issue.code === 'invalid_type' && typeof key === 'string' && DURATION_KEYS.includes(key) && typeof source.nodeAt([...at, ...path])?.toJSON() === 'number';
    refuse(`stage ${name}: '${path.join('.') || 'the stage'}': ${bareNumber ? 'a duration such as 30s, 5m, 2h or 1h30m (a bare number is refused: its unit would be a guess)' : issue.message}`, locateIn(source, [...at, ...path]), 'See docs/gate.md for the keys of a stage and its analysis.');
  }
  const entry = parsed.data;
  if (entry['min-soak'] !== undefined && entry.after === undefined) {
    refuse(`stage ${entry.name}: min-soak needs after: it is how long the version held the previous stage`, locateIn(source, [...at, 'min-soak']), 'Add after: <the previous stage>, or drop min-soak.');
  }
  const checks = entry.requires.length + (entry.after ? 1 : 0) + (entry['min-soak'] !== undefined ? 1 : 0) + (entry.analysis ? 1 : 0) + (entry.approvals ? 1 : 0);
  if (checks === 0) {
    refuse(`stage ${entry.name} has no checks: with none, any version would pass`, locateIn(source, at), 'Give it requires: [evaluate, compare], after: <stage>, min-soak, analysis or approvals: environment.');
  }
  const policy = entry as unknown as Record<string, unknown>;
  return {
    name: entry.name,
    requires: entry.requires,
    ...(entry.after !== undefined ? { after: entry.after } : {}),
    ...(entry['min-soak'] !== undefined ? { minSoakMs: entry['min-soak'] } : {}),
    ...(entry.analysis ? { analysis: entry.analysis } : {}),
    ...(entry.approvals ? { approvals: entry.approvals } : {}),
    environment: entry.environment ?? entry.name,
    ...(entry.deploy !== undefined ? { deploy: entry.deploy } : {}),
    rollbackOnFailure: entry['rollback-on-failure'],
    policy,
    policyDigest: `sha256:${sha256Text(canonicalJson(policy))}`,
  };
}

/** A cycle through `after`, as the names around it, or undefined. */
function findCycle(stages: readonly Stage[]): string[] | undefined {
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  for (const start of stages) {
    const seen: string[] = [];
    for (let at: Stage | undefined = start; at; at = at.after ? byName.get(at.after) : undefined) {
      if (seen.includes(at.name)) return [...seen.slice(seen.indexOf(at.name)), at.name];
      seen.push(at.name);
    }
  }
  return undefined;
}

/** `stages:` of modelci.yaml, refused at load when it could pass on nothing (see docs/gate.md). */
export function parseStages(source: YamlSource, raw: unknown): StagesConfig {
  const here = locateIn(source, ['stages']);
  if (!Array.isArray(raw) || raw.length === 0) {
    refuse(Array.isArray(raw) ? "'stages' is empty: the gate would have nothing to check" : "'stages' must be a list of stages", here, 'e.g.\n    stages:\n      - name: staging\n        requires: [evaluate, compare]');
  }
  const stages = raw.map((entry, index) => parseStage(source, entry, index));
  const names = stages.map((stage) => stage.name);
  stages.forEach((stage, index) => {
    if (names.indexOf(stage.name) !== index) refuse(`stage ${stage.name} is defined twice`, locateIn(source, ['stages', index, 'name']));
    if (stage.after !== undefined && !names.includes(stage.after)) {
      refuse(`stage ${stage.name}: after names an unknown stage '${stage.after}'`, locateIn(source, ['stages', index, 'after']), didYouMean(stage.after, names.filter((name) => name !== stage.name)));
    }
  });
  const cycle = findCycle(stages);
  if (cycle) refuse(`stages form a cycle through after: ${cycle.join(' -> ')}`, locateIn(source, ['stages', names.indexOf(cycle[0]!), 'after']), 'Each stage comes after an earlier one; the first stage has no after.');
  return {
    file: source.file,
    stages,
    locate: (stage, key) => {
      const index = names.indexOf(stage);
      return index < 0 ? here : locateIn(source, ['stages', index, ...(key ? [key] : [])]);
    },
  };
}
