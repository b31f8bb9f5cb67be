import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { TOOL_VERSION } from '../../shared/version.js';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';

interface SpecInput {
  type?: string;
  default?: unknown;
  options?: unknown[];
  description?: string;
}

interface Template {
  name: string;
  inputs: Record<string, SpecInput>;
  job: { variables: Record<string, string>; script: string[] };
}

async function templates(): Promise<Template[]> {
  const dir = join(repoRoot, 'gitlab', 'templates');
  return Promise.all(
    (await readdir(dir)).map(async (file) => {
      const [spec, jobs] = parseAllDocuments(await readFile(join(dir, file), 'utf8')).map((document) => document.toJS());
      return { name: file.replace(/\.yml$/, ''), inputs: spec.spec.inputs, job: Object.values(jobs)[0] as Template['job'] };
    }),
  );
}

const ALL = await templates();

// GitLab's own spec rules (ci/inputs): a type among string, number, boolean, array; a default of that
// type; a default among the options when both are given.
function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : typeof value;
}

/** What GitLab puts in a job variable for `$[[ inputs.x ]]`: the value as text. */
function interpolate(text: string, values: Record<string, unknown>): string {
  return text.replace(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g, (_, name: string) => {
    const value = values[name];
    return Array.isArray(value) ? JSON.stringify(value) : String(value);
  });
}

describe('GitLab component specs', () => {
  it.each(ALL.map((template) => [template.name, template] as const))('%s follows GitLab spec rules', (_, template) => {
    for (const [name, input] of Object.entries(template.inputs)) {
      const type = input.type ?? 'string';
      expect(['string', 'number', 'boolean', 'array'], name).toContain(type);
      if (input.default !== undefined) expect(typeOf(input.default), `${template.name}.${name} default`).toBe(type);
      if (input.default !== undefined && input.options) expect(input.options, `${template.name}.${name} options`).toContain(input.default);
      if (input.options) for (const option of input.options) expect(typeOf(option), name).toBe(type);
    }
  });

  it.each(ALL.map((template) => [template.name, template] as const))('%s gives optional step inputs an empty default and pins its own version', (_, template) => {
    expect(template.inputs['modelci-version']?.default).toBe(TOOL_VERSION);
    for (const [name, input] of Object.entries(template.inputs)) {
      if (!(`MODELCI_INPUT_${name.toUpperCase().replace(/-/g, '_')}` in template.job.variables)) continue;
      if (input.default !== undefined) expect(input.default, `${template.name}.${name}`).toBe('');
    }
  });

  it('modelci.yaml wins over every interpolated spec default (evaluate as GitLab runs it)', async () => {
    const evaluate = ALL.find((template) => template.name === 'evaluate')!;
    const given: Record<string, unknown> = { predictions: 'p.csv', task: 'binary', label: 'label' };
    const values = Object.fromEntries(Object.entries(evaluate.inputs).map(([name, input]) => [name, given[name] ?? input.default ?? '']));
    const env = Object.fromEntries(Object.entries(evaluate.job.variables).map(([name, value]) => [name, interpolate(value, values)]));
    const cwd = await mkdtemp(join(tmpdir(), 'modelci-gitlab-spec-'));
    await writeFile(join(cwd, 'p.csv'), 'label,score\n0,0.1\n1,0.9\n0,0.3\n1,0.7\n');
    await writeFile(join(cwd, 'modelci.yaml'), 'evaluate:\n  score: score\n  threshold: 0.9\n  bootstrap: 0\n  seed: 7\n');
    const run = await runCliCaptured(['evaluate', '--out-dir', '.modelci', '--format', 'json'], { cwd, env: { ...env, MODELCI_PLATFORM: 'local' } });
    expect(run.code, run.stderr).toBe(0);
    const evidence = JSON.parse(await readFile(join(cwd, '.modelci', 'evidence', 'evaluate.json'), 'utf8'));
    expect(evidence.parameters).toMatchObject({ predictions: 'p.csv', threshold: 0.9, bootstrap: 0, seed: 7 });
  });
});
