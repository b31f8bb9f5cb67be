import { inputFields, type InputField } from '../runner/input-fields.js';
import type { StepDefinition } from '../runner/types.js';
import { GLOBAL_OPTIONS } from './parse-args.js';
import { aliasOfInput } from './flag-aliases.js';

function pad(text: string, width: number): string {
  return text.length >= width ? `${text}  ` : text.padEnd(width);
}

export function valueHint(field: InputField): string {
  switch (field.kind) {
    case 'boolean':
      return '';
    case 'enum':
      return ` <${field.choices?.join('|')}>`;
    case 'number':
      return field.integer ? ' <int>' : ' <number>';
    case 'string-list':
      return ' <value>...';
    default:
      return ' <value>';
  }
}

export function defaultText(field: InputField): string {
  if (field.default === undefined) return '';
  if (Array.isArray(field.default)) return field.default.length ? field.default.join(', ') : '';
  return String(field.default);
}

function flagLine(command: string, field: InputField): string {
  const alias = aliasOfInput(command, field.name);
  const notes = [field.required ? 'required' : '', defaultText(field) ? `default: ${defaultText(field)}` : '', field.kind === 'string-list' ? 'repeatable' : '', alias ? `also --${alias}` : '']
    .filter(Boolean)
    .join('; ');
  return `  ${pad(`--${field.name}${valueHint(field)}`, 34)}${field.description}${notes ? ` (${notes})` : ''}`;
}

export function commandHelp(step: StepDefinition): string {
  const fields = inputFields(step.inputs);
  const lines = [`modelci ${step.name}: ${step.description}`, '', `Usage: modelci ${step.name} [flags]`, '', 'Flags:', ...fields.map((field) => flagLine(step.name, field)), '', 'Global options:'];
  for (const [name, description] of Object.entries(GLOBAL_OPTIONS)) lines.push(`  ${pad(`--${name}`, 34)}${description}`);
  lines.push('', 'Every flag can also be set under this step\'s name in modelci.yaml (flags win over the file).');
  return lines.join('\n');
}

export function mainHelp(steps: readonly StepDefinition[], version: string): string {
  const published = steps.filter((step) => step.published !== false);
  const others = steps.filter((step) => step.published === false);
  const width = Math.max(12, ...steps.map((step) => step.name.length + 4));
  const lines = [
    `modelci ${version}: CI/CD for machine-learning models.`,
    '',
    'Usage: modelci <command> [flags]',
    '',
    `  ${pad('run', width)}Runs the steps listed under 'pipeline:' in modelci.yaml, in order, stopping at the first that does not pass.`,
    '',
    'Pipeline steps:',
    ...published.map((step) => `  ${pad(step.name, width)}${step.description}`),
  ];
  if (others.length) lines.push('', 'Other commands:', ...others.map((step) => `  ${pad(step.name, width)}${step.description}`));
  lines.push('', 'Global options:');
  for (const [name, description] of Object.entries(GLOBAL_OPTIONS)) lines.push(`  ${pad(`--${name}`, 14)}${description}`);
  lines.push('', 'Exit codes: 0 passed, 1 the step said no, 2 bad usage/config/input, 3 environment failure.', "Run 'modelci <command> --help' for a command's flags.");
  return lines.join('\n');
}
