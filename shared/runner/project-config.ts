import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { dirname, resolve } from 'node:path';
import { usageError, type SourceLocation } from '../errors.js';
import { inputFields, type InputField } from './input-fields.js';
import { loadNamed, type StepCatalog } from './catalog.js';
import type { StepDefinition, StepSettings } from './types.js';
import { didYouMean } from '../text/did-you-mean.js';
import { refuseRenamedInput } from './renamed-inputs.js';
import { YamlSource } from '../text/yaml-source.js';
import { parseStages, type StagesConfig } from '../gate/stages.js';

export const CONFIG_FILE_NAME = 'modelci.yaml';

/** Keys of modelci.yaml that are not step sections. */
export const GLOBAL_KEYS = ['version', 'out-dir', 'pipeline', 'stages'] as const;

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
  /** Each step's structured settings (keys of StepDefinition.settings), parsed by their schemas. */
  settings: Map<string, Record<string, unknown>>;
  /** `stages:`, checked at load (see gate/stages.ts). */
  stages?: StagesConfig;
  source: YamlSource;
}

/** Steps that promote through `stages:`; a pipeline naming one needs them. */
const STAGED_STEPS = ['gate'];

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

function pathText(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}

/** The deepest node of `path` that the file has, so a missing key points at its parent mapping. */
function locateDeepest(source: YamlSource, path: readonly (string | number)[]): SourceLocation {
  for (let length = path.length; length > 0; length--) {
    const node = source.nodeAt(path.slice(0, length));
    if (node) return source.locateNode(node);
  }
  return { file: source.file };
}

function checkSetting(source: YamlSource, step: StepDefinition, key: string, schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const path = (issue?.path ?? []).filter((part): part is string | number => typeof part !== 'symbol');
  const unknownKeys = issue?.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys ?? [] : [];
  const at = unknownKeys.length ? [...path, unknownKeys[0]!] : path;
  const location = unknownKeys.length ? source.locateNode(source.pairAt([step.name, key, ...path], unknownKeys[0]!)) : locateDeepest(source, [step.name, key, ...at]);
  const known = schema.def.type === 'object' ? Object.keys((schema as z.ZodObject).shape) : [];
  throw usageError(`'${step.name}.${key}${pathText(at)}': ${unknownKeys.length ? `unknown key '${unknownKeys[0]}'` : issue?.message ?? 'invalid value'}`, {
    code: unknownKeys.length ? 'config-unknown-key' : 'config-wrong-type',
    location,
    ...(unknownKeys.length && path.length === 0 ? { hint: didYouMean(unknownKeys[0]!, known) } : {}),
  });
}

interface CheckedSection {
  inputs: Record<string, unknown>;
  settings: Record<string, unknown>;
}

function checkSection(source: YamlSource, step: StepDefinition, raw: unknown): CheckedSection {
  const checked: CheckedSection = { inputs: {}, settings: {} };
  if (raw === null || raw === undefined) return checked;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw usageError(`'${step.name}' must be a mapping of its inputs, not ${describeType(raw)}`, {
      code: 'config-wrong-type',
      location: source.locateNode(source.nodeAt([step.name])),
      hint: `Write inputs under it, e.g.\n    ${step.name}:\n      ${inputFields(step.inputs)[0]?.name ?? 'input'}: ...`,
    });
  }
  const fields = inputFields(step.inputs);
  const byName = new Map(fields.map((field) => [field.name, field]));
  const settings = step.settings ?? {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = byName.get(key);
    const setting = Object.hasOwn(settings, key) ? settings[key] : undefined;
    if (!field && setting) {
      checked.settings[key] = checkSetting(source, step, key, setting, value);
      continue;
    }
    if (!field) {
      refuseRenamedInput(step.name, key, (name) => `'${name}'`, source.locateNode(source.pairAt([step.name], key)));
      throw usageError(`unknown key '${key}' in '${step.name}'`, {
        code: 'config-unknown-key',
        location: source.locateNode(source.pairAt([step.name], key)),
        hint: `${didYouMean(key, [...byName.keys(), ...Object.keys(settings)])} Run 'modelci ${step.name} --help' for its inputs.`,
      });
    }
    if (!valueMatches(field, value)) {
      throw usageError(`'${step.name}.${key}' must be ${expectedType(field)}, not ${describeType(value)}${typeof value === 'string' || typeof value === 'number' ? ` (${JSON.stringify(value)})` : ''}`, {
        code: 'config-wrong-type',
        location: source.locateNode(source.nodeAt([step.name, key])),
        hint: field.description,
      });
    }
    checked.inputs[key] = value;
  }
  return checked;
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
  const config: ProjectConfig = { file, steps: new Map(steps), directory: dirname(resolve(file)), pipeline: [], sections: new Map(), settings: new Map(), source };
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
    } else if (key === 'stages') {
      config.stages = parseStages(source, value);
    } else {
      const step = steps.get(key);
      if (!step || step.published === false) {
        throw usageError(`unknown key '${key}'`, { code: 'config-unknown-key', location: source.locateNode(source.pairAt([], key)), hint: didYouMean(key, known) });
      }
      const checked = checkSection(source, step, value);
      config.sections.set(key, checked.inputs);
      config.settings.set(key, checked.settings);
    }
  }
  const staged = config.pipeline.find((entry) => STAGED_STEPS.includes(entry.step));
  if (staged && !config.stages) {
    throw usageError(`the pipeline runs ${staged.step}, but ${CONFIG_FILE_NAME} has no stages`, { code: 'config-stages', location: staged.location, hint: 'Add the stages it promotes through, e.g.\n    stages:\n      - name: staging\n        requires: [evaluate, compare]' });
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

/** A step's structured settings from the config, with a locator for errors found while running. */
export function configSettings(config: ProjectConfig | undefined, step: string): StepSettings | undefined {
  if (!config) return undefined;
  return {
    values: config.settings.get(step) ?? {},
    locate: (path) => locateDeepest(config.source, [step, ...path]),
  };
}

/** A step's section of the config as an input source for resolveInputs, with locations for its values. */
export function configSource(config: ProjectConfig | undefined, step: string): { config?: Record<string, unknown>; locateConfigValue?: (name: string) => SourceLocation } {
  if (!config) return {};
  return { config: config.sections.get(step) ?? {}, locateConfigValue: (name) => config.source.locateNode(config.source.nodeAt([step, name])) };
}
