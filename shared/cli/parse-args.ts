import { usageError } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import type { InputField } from '../runner/input-fields.js';
import { refuseRenamedInput } from '../runner/renamed-inputs.js';
import { cliFlagAlias } from './flag-aliases.js';

/** Options every command takes; they are not step inputs. */
export const GLOBAL_OPTIONS = {
  config: 'Project config file (default: modelci.yaml in the working directory, when present).',
  'out-dir': 'Where evidence, summaries and step files go (default: .modelci).',
  format: 'text (default) or json: exactly one JSON document on stdout, logs on stderr.',
  platform: 'github, gitlab or local (default: detected from the environment).',
  cwd: 'Working directory; relative paths in flags and config resolve here (default: the config file\'s folder, else the current one).',
  verbose: 'Print debug logs.',
} as const;
export type GlobalOption = keyof typeof GLOBAL_OPTIONS;
const VALUELESS_GLOBALS = new Set<string>(['verbose']);

export interface SplitArgs {
  /** Words before the first flag: the command, e.g. ["registry", "ls"]. */
  words: string[];
  globals: Partial<Record<GlobalOption, string>>;
  help: boolean;
  version: boolean;
  /** The remaining flag tokens, parsed once the command's inputs are known. */
  rest: string[];
}

function flagName(token: string): { name: string; inline?: string } {
  const body = token.slice(2);
  const equals = body.indexOf('=');
  return equals === -1 ? { name: body } : { name: body.slice(0, equals), inline: body.slice(equals + 1) };
}

/** First pass: command words, global options and help, wherever they appear. */
export function splitArgs(argv: readonly string[]): SplitArgs {
  const split: SplitArgs = { words: [], globals: {}, help: false, version: false, rest: [] };
  let seenFlag = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--help' || token === '-h') {
      split.help = true;
    } else if ((token === '--version' || token === '-V') && split.words.length === 0) {
      // After a command word, --version is that command's input (e.g. registry pull --version 3).
      split.version = true;
    } else if (token.startsWith('--') && flagName(token).name in GLOBAL_OPTIONS) {
      const { name, inline } = flagName(token);
      if (VALUELESS_GLOBALS.has(name)) {
        split.globals[name as GlobalOption] = inline ?? 'true';
      } else {
        const value = inline ?? argv[++i];
        if (value === undefined) throw usageError(`--${name} needs a value`, { code: 'usage', hint: GLOBAL_OPTIONS[name as GlobalOption] });
        split.globals[name as GlobalOption] = value;
      }
    } else if (token.startsWith('-') && token !== '-') {
      seenFlag = true;
      split.rest.push(token);
    } else if (!seenFlag) {
      split.words.push(token);
    } else {
      split.rest.push(token);
    }
  }
  return split;
}

/** Known before parsing, so even an argument error can be reported as a JSON document. */
export function requestsJson(argv: readonly string[]): boolean {
  return argv.some((token, i) => token === '--format=json' || (token === '--format' && argv[i + 1] === 'json'));
}

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', '1', '0', 'on', 'off']);

/** Second pass: the command's own flags, as repeated text values keyed by kebab-case name. */
export function parseFlags(tokens: readonly string[], fields: readonly InputField[], command: string): Map<string, string[]> {
  const byName = new Map(fields.map((field) => [field.name, field]));
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => values.set(name, [...(values.get(name) ?? []), value]);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('--')) {
      throw usageError(`unexpected argument '${token}'`, { code: 'usage', hint: `Inputs are flags: modelci ${command} --name value. See modelci ${command} --help.` });
    }
    const { name: spelled, inline } = flagName(token);
    const name = cliFlagAlias(command, spelled) ?? spelled;
    const negated = name.startsWith('no-') ? byName.get(name.slice(3)) : undefined;
    if (negated?.kind === 'boolean' && inline === undefined) {
      add(negated.name, 'false');
      continue;
    }
    const field = byName.get(name);
    if (!field) {
      refuseRenamedInput(command, name, (old) => `--${old}`);
      throw usageError(`unknown flag --${name} for '${command}'`, { code: 'usage', hint: `${didYouMean(name, [...byName.keys(), ...Object.keys(GLOBAL_OPTIONS)])} See modelci ${command} --help.` });
    }
    if (inline !== undefined) {
      add(name, inline);
    } else if (field.kind === 'boolean') {
      const next = tokens[i + 1];
      if (next !== undefined && BOOLEAN_WORDS.has(next.toLowerCase())) {
        add(name, next);
        i++;
      } else {
        add(name, 'true');
      }
    } else {
      const next = tokens[i + 1];
      if (next === undefined) throw usageError(`--${name} needs a value`, { code: 'usage', hint: field.description });
      add(name, next);
      i++;
    }
  }
  return values;
}
