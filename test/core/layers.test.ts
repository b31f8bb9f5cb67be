import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const shared = join(root, 'shared');

/** Top to bottom (docs/development.md). A file imports only from its own layer or below. */
const LAYERS: { name: string; members: string[] }[] = [
  { name: 'entries', members: ['index.ts', 'main.ts'] },
  { name: 'front doors', members: ['action.ts', 'cli.ts', 'cli/'] },
  { name: 'steps', members: ['steps/'] },
  { name: 'runner', members: ['runner/'] },
  { name: 'domain', members: ['compare/', 'gate/', 'data/', 'schema/', 'drift/', 'stats/', 'metrics/', 'train/', 'registry/', 'report/'] },
  { name: 'evidence', members: ['evidence/'] },
  { name: 'http and platform', members: ['http/', 'platform/'] },
  { name: 'foundations', members: ['files/', 'text/', 'workers/', 'errors.ts', 'errors/', 'version.ts'] },
];

function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) => layer.members.some((member) => (member.endsWith('/') ? file.startsWith(member) : file === member)));
  if (index < 0) throw new Error(`shared/${file} is in no layer: add its folder to LAYERS here and to docs/development.md`);
  return index;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative specifier of a file: imports, `import type`, `export ... from` and dynamic `import()`. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'))
    .filter((target) => target.startsWith(`${shared}/`) && target.endsWith('.ts'))
    .map((target) => relative(shared, target));
}

function importGraph(): Map<string, string[]> {
  return new Map(sources(shared).map((file) => [relative(shared, file), importsOf(file)]));
}

/** Tarjan's strongly connected components; each one with two or more files is a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

describe('layers of shared/', () => {
  const graph = importGraph();

  it('reads imports of every kind from the source', () => {
    expect(graph.get('index.ts')?.length).toBeGreaterThan(0);
    // platform/create-platform.ts loads the GitHub adapter with a dynamic import().
    expect(graph.get('platform/create-platform.ts')).toContain('platform/github.ts');
  });

  it('has no import from a lower layer up to a higher one', () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        if (!graph.has(target)) throw new Error(`shared/${file} imports shared/${target}, which does not exist`);
        if (layerOf(target) < layerOf(file)) upward.push(`shared/${file} (${LAYERS[layerOf(file)]?.name}) imports shared/${target} (${LAYERS[layerOf(target)]?.name})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no file cycle', () => {
    expect(cycles(graph).map((cycle) => cycle.join(' <-> '))).toEqual([]);
  });

  it('finds a cycle and an upward import when there is one', () => {
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(layerOf('errors.ts')).toBeGreaterThan(layerOf('platform/github.ts'));
    expect(layerOf('platform/github.ts')).toBeGreaterThan(layerOf('registry/oci.ts'));
  });
});

describe('lint keeps CI knowledge in shared/platform/', () => {
  const eslint = new ESLint({ cwd: root });
  const problems = async (path: string, code: string): Promise<string[]> =>
    (await eslint.lintText(code, { filePath: join(root, path) })).flatMap((result) => result.messages.map((message) => `${message.line}: ${message.ruleId}`));

  const reads = [
    "import * as core from '@actions/core';\nexport const a = core;",
    "import type { Octokit } from '@octokit/rest';\nexport type A = Octokit;",
    "export const a = await import('@octokit/rest');",
    'export const a = process.env.GITHUB_SHA;',
    "export const a = (env: NodeJS.ProcessEnv) => env['CI_COMMIT_SHA'];",
    'export const a = (env: NodeJS.ProcessEnv) => env.RUNNER_DEBUG;',
    'export const a = (env: NodeJS.ProcessEnv) => env.CI;',
    'export const a = (env: NodeJS.ProcessEnv) => env.GITLAB_USER_LOGIN;',
    'export const a = (env: NodeJS.ProcessEnv) => { const { GITHUB_ACTOR } = env; return GITHUB_ACTOR; };',
  ];

  it.each(reads)('refuses outside shared/platform/: %s', async (code) => {
    const found = await problems('shared/steps/layer-probe.ts', code);
    expect(found.filter((problem) => /no-restricted-(imports|syntax)/.test(problem))).toHaveLength(1);
  });

  it.each(reads)('allows inside shared/platform/: %s', async (code) => {
    expect((await problems('shared/platform/layer-probe.ts', code)).filter((problem) => /no-restricted/.test(problem))).toEqual([]);
  });

  it('leaves modelci and other variables alone', async () => {
    expect(await problems('shared/steps/layer-probe.ts', 'export const a = (env: NodeJS.ProcessEnv) => [env.MODELCI_PLATFORM, env.HOME, env.CIRCLE];')).toEqual([]);
  });
});
