import { formatLocation, type SourceLocation } from '../errors.js';
import type { InputField } from './input-fields.js';

/** Where a planned input value comes from: what `modelci run --dry-run` shows. */
export type ValueOrigin = 'flag' | 'environment' | 'config' | 'default';

export interface PlannedInput {
  name: string;
  value: unknown;
  origin: ValueOrigin;
  /** For config values: file:line:column. */
  at?: string;
}

export interface PlannedStep {
  step: string;
  inputs: PlannedInput[];
  /** What the step predicts about its run (see StepDefinition.preview). */
  notes?: string[];
}

export interface OriginSources {
  flags: ReadonlySet<string>;
  resolved: ReadonlyMap<string, 'explicit' | 'config'>;
  locate?: (name: string) => SourceLocation | undefined;
}

/** One step's resolved inputs with their origins; secrets shown as `***`, unset optional inputs left out. */
export function planStep(step: string, fields: readonly InputField[], inputs: Record<string, unknown>, sources: OriginSources): PlannedStep {
  const planned: PlannedInput[] = [];
  for (const field of fields) {
    const value = inputs[field.key];
    if (value === undefined) continue;
    const resolved = sources.resolved.get(field.name);
    const origin: ValueOrigin = resolved === 'config' ? 'config' : resolved === 'explicit' ? (sources.flags.has(field.name) ? 'flag' : 'environment') : 'default';
    const location = origin === 'config' ? sources.locate?.(field.name) : undefined;
    planned.push({ name: field.name, value: field.secret ? '***' : value, origin, ...(location ? { at: formatLocation(location) } : {}) });
  }
  return { step, inputs: planned };
}

/** The plan as text: one block per step, one line per input with its origin. */
export function planText(plan: readonly PlannedStep[]): string[] {
  const lines = [`dry run: ${plan.length} step(s) would run, none was run`];
  for (const { step, inputs, notes } of plan) {
    lines.push('', `${step}`);
    const width = Math.max(0, ...inputs.map((input) => input.name.length));
    for (const input of inputs) lines.push(`  ${input.name.padEnd(width)} = ${JSON.stringify(input.value)}  (${input.origin}${input.at ? ` ${input.at}` : ''})`);
    for (const note of notes ?? []) lines.push(`  -> ${note}`);
  }
  return lines;
}
