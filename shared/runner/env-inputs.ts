import type { InputField } from './input-fields.js';
import { RENAMED_INPUTS, refuseRenamedInput } from './renamed-inputs.js';

export function envInputName(field: Pick<InputField, 'name'>): string {
  return `MODELCI_INPUT_${field.name.toUpperCase().replace(/-/g, '_')}`;
}

function listValues(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON after all: fall back to one value per line.
    }
  }
  return trimmed.split(/\r?\n/);
}

/**
 * Inputs from MODELCI_INPUT_<NAME> variables, below flags and above modelci.yaml. GitLab
 * components pass their spec inputs this way, which avoids quoting values into a shell line.
 * Lists are JSON arrays (GitLab array inputs) or one value per line.
 */
export function envInputs(fields: readonly InputField[], env: NodeJS.ProcessEnv, explicit: Map<string, string[]>, step?: string): Map<string, string[]> {
  if (step) {
    for (const old of Object.keys(RENAMED_INPUTS[step] ?? {})) {
      if (env[envInputName({ name: old })]?.trim()) refuseRenamedInput(step, old, (name) => envInputName({ name }));
    }
  }
  const merged = new Map(explicit);
  for (const field of fields) {
    if (merged.has(field.name)) continue;
    const value = env[envInputName(field)];
    if (value === undefined || value.trim() === '') continue;
    merged.set(field.name, field.kind === 'string-list' ? listValues(value) : [value]);
  }
  return merged;
}
