import type { StepDefinition } from './types.js';

/**
 * The commands modelci knows, loaded on demand: a step's implementation (and what it imports,
 * e.g. parquet or registry clients) is only evaluated when that step runs, which keeps the
 * CLI's cold start small.
 */
export interface StepCatalog {
  readonly names: readonly string[];
  load(name: string): Promise<StepDefinition | undefined>;
  loadAll(): Promise<StepDefinition[]>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StepLoader = () => Promise<StepDefinition<any, any>>;

export function lazyCatalog(loaders: ReadonlyArray<readonly [string, StepLoader]>): StepCatalog {
  const byName = new Map(loaders);
  return {
    names: loaders.map(([name]) => name),
    load: async (name) => (await byName.get(name)?.()) as StepDefinition | undefined,
    loadAll: () => Promise.all(loaders.map(async ([, load]) => (await load()) as StepDefinition)),
  };
}

export function catalogOf(steps: readonly StepDefinition[]): StepCatalog {
  return lazyCatalog(steps.map((step) => [step.name, async () => step] as const));
}

/** Loads the steps among `names` that the catalog knows, skipping the rest. */
export async function loadNamed(catalog: StepCatalog, names: Iterable<string>): Promise<Map<string, StepDefinition>> {
  const wanted = [...new Set(names)].filter((name) => catalog.names.includes(name));
  const steps = await Promise.all(wanted.map((name) => catalog.load(name)));
  return new Map(steps.filter((step): step is StepDefinition => step !== undefined).map((step) => [step.name, step]));
}
