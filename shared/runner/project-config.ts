import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { usageError, type SourceLocation } from '../errors.js';
import { inputFields, type InputField } from './input-fields.js';
import { loadNamed, type StepCatalog } from './catalog.js';
import type { StepDefinition } from './types.js';
import { didYouMean } from '../text/did-you-mean.js';
import { YamlSource } from '../text/yaml-source.js';

export const CONFIG_FILE_NAME = 'modelci.yaml';

/** Keys of modelci.yaml that are not step sections. */
export const GLOBAL_KEYS = ['version', 'out-dir', 'pipeline'] as const;

export interface PipelineEntry {
  step: string;
  /** Where the entry was written, for errors about it. */
  location: { file: string; line?: number; column?: number };
}

/** A loaded modelci.yaml: one section of raw values per step, already checked against the steps' inputs. */
export interface ProjectConfig {
  file: string;
  /** The steps the file names (sections and pipeline), loaded. */
  steps: Map<string, StepDefinition>;
  /** Directory of the config file: relative paths in it and on the command line resolve here. */
  directory: string;
  outDir?: string;
  pipeline: PipelineEntry[];
  sections: Map<string, Record<string, unknown>>;
  source: YamlSource;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function valueMatches(field: InputField, value: unknown): boolean {
  switch (field.kind) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number';
    case 'number':
      return typeof value === 'number' && (!field.integer || Number.isInteger(value));
    case 'boolean':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && (field.choices ?? []).includes(value);
    case 'string-list':
      return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number'));
  }
}

function expectedType(field: InputField): string {
  switch (field.kind) {
    case 'enum':
      return `one of ${field.choices?.map((choice) => `'${choice}'`).join(', ')}`;
    case 'string-list':
      return 'a list of strings';
    case 'number':
      return field.integer ? 'an integer' : 'a number';
    default:
      return `a ${field.kind}`;
  }
}

function checkSection(source: YamlSource, step: StepDefinition, raw: unknown): Record<string, unknown> {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw usageError(`'${step.name}' must be a mapping of its inputs, not ${describeType(raw)}`, {
      code: 'config-wrong-type',
      location: source.locateNode(source.nodeAt([step.name])),
      hint: `Write inputs under it, e.g.\n    ${step.name}:\n      ${inputFields(step.inputs)[0]?.name ?? 'input'}: ...`,
    });
  }
  const fields = inputFields(step.inputs);
  const byName = new Map(fields.map((field) => [field.name, field]));
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = byName.get(key);
    if (!field) {
      throw usageError(`unknown key '${key}' in '${step.name}'`, {
        code: 'config-unknown-key',
        location: source.locateNode(source.pairAt([step.name], key)),
        hint: `${didYouMean(key, [...byName.keys()])} Run 'modelci ${step.name} --help' for its inputs.`,
      });
    }
    if (!valueMatches(field, value)) {
      throw usageError(`'${step.name}.${key}' must be ${expectedType(field)}, not ${describeType(value)}${typeof value === 'string' || typeof value === 'number' ? ` (${JSON.stringify(value)})` : ''}`, {
        code: 'config-wrong-type',
        location: source.locateNode(source.nodeAt([step.name, key])),
        hint: field.description,
      });
    }
    values[key] = value;
  }
  return values;
}

function parsePipeline(source: YamlSource, raw: unknown, steps: ReadonlyMap<string, StepDefinition>, allNames: readonly string[]): PipelineEntry[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw usageError(`'pipeline' must be a list of step names, not ${describeType(raw)}`, { code: 'config-wrong-type', location: source.locateNode(source.nodeAt(['pipeline'])), hint: 'e.g. pipeline: [validate-data, train, evaluate]' });
  }
  const runnable = allNames.filter((name) => steps.get(name)?.published !== false && !name.includes(' '));
  return raw.map((entry, index) => {
    const location = source.locateNode(source.nodeAt(['pipeline', index]));
    if (typeof entry !== 'string' || !steps.has(entry) || steps.get(entry)?.published === false) {
      throw usageError(`unknown step ${JSON.stringify(entry)} in 'pipeline'`, { code: 'config-unknown-step', location, hint: didYouMean(String(entry), runnable) });
    }
    return { step: entry, location };
  });
}

/** Step names a config mentions (top-level keys and pipeline entries), to load before checking it. */
function mentionedSteps(raw: unknown): string[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const record = raw as Record<string, unknown>;
  const pipeline = Array.isArray(record.pipeline) ? record.pipeline.filter((entry): entry is string => typeof entry === 'string') : [];
  return [...Object.keys(record), ...pipeline];
}

export function parseProjectConfig(file: string, text: string, steps: ReadonlyMap<string, StepDefinition>): ProjectConfig {
  const source = YamlSource.parse(file, text);
  return interpretConfig(source, source.toJS(), steps);
}

function interpretConfig(source: YamlSource, raw: unknown, steps: ReadonlyMap<string, StepDefinition>, allNames: readonly string[] = [...steps.keys()]): ProjectConfig {
  const file = source.file;
  const config: ProjectConfig = { file, steps: new Map(steps), directory: dirname(resolve(file)), pipeline: [], sections: new Map(), source };
  if (raw === null || raw === undefined) return config;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw usageError(`${CONFIG_FILE_NAME} must be a mapping at the top level, not ${describeType(raw)}`, { code: 'config-wrong-type', location: { file, line: 1, column: 1 }, hint: 'Start with step names as keys, e.g. "train:".' });
  }
  const known = [...GLOBAL_KEYS, ...allNames.filter((name) => steps.get(name)?.published !== false && !name.includes(' '))];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key.startsWith('x-')) {
      // Extension keys hold YAML anchors to reuse, as in Compose files.
      continue;
    } else if (key === 'version') {
      if (value !== 1) throw usageError(`unsupported config version ${JSON.stringify(value)}`, { code: 'config-version', location: source.locateNode(source.nodeAt(['version'])), hint: 'This modelci reads version: 1.' });
    } else if (key === 'out-dir') {
      if (typeof value !== 'string') throw usageError(`'out-dir' must be a string, not ${describeType(value)}`, { code: 'config-wrong-type', location: source.locateNode(source.nodeAt(['out-dir'])) });
      config.outDir = value;
    } else if (key === 'pipeline') {
      config.pipeline = parsePipeline(source, value, steps, allNames);
    } else {
      const step = steps.get(key);
      if (!step || step.published === false) {
        throw usageError(`unknown key '${key}'`, { code: 'config-unknown-key', location: source.locateNode(source.pairAt([], key)), hint: didYouMean(key, known) });
      }
      config.sections.set(key, checkSection(source, step, value));
    }
  }
  return config;
}

export async function loadProjectConfig(file: string, catalog: StepCatalog): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(code === 'ENOENT' ? `config file not found: ${file}` : `cannot read config file ${file}: ${code ?? String(error)}`, {
      code: 'config-unreadable',
      location: { file },
      hint: code === 'ENOENT' ? `Create ${CONFIG_FILE_NAME} or drop --config.` : undefined,
    });
  }
  const source = YamlSource.parse(file, text);
  const raw = source.toJS();
  return interpretConfig(source, raw, await loadNamed(catalog, mentionedSteps(raw)), catalog.names);
}

/** A step's section of the config as an input source for resolveInputs, with locations for its values. */
export function configSource(config: ProjectConfig | undefined, step: string): { config?: Record<string, unknown>; locateConfigValue?: (name: string) => SourceLocation } {
  if (!config) return {};
  return { config: config.sections.get(step) ?? {}, locateConfigValue: (name) => config.source.locateNode(config.source.nodeAt([step, name])) };
}
