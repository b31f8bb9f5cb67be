import { usageError } from '../errors.js';

/**
 * Inputs that changed their name, per step: old name -> new name. Every door (flag, INPUT_*,
 * MODELCI_INPUT_*, modelci.yaml key) refuses the old name with the new one, never ignores it.
 */
export const RENAMED_INPUTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // `metrics` meant metric files here and metric names for evaluate; in the root action they collided.
  train: { metrics: 'metrics-files' },
  // A GitLab component's own `stage` input is the job's pipeline stage; the promotion stage is
  // `stage-name` at every door (the command line also takes `--stage`: cli/flag-aliases.ts).
  gate: { stage: 'stage-name' },
  verify: { stage: 'stage-name' },
  rollback: { stage: 'stage-name' },
};

export function renamedInput(step: string, name: string): string | undefined {
  const renames = RENAMED_INPUTS[step];
  return renames && Object.hasOwn(renames, name) ? renames[name] : undefined;
}

/** Throws "`old` is now `new`" when `name` is an old name of one of the step's inputs. */
export function refuseRenamedInput(step: string, name: string, spelled: (name: string) => string, location?: { file: string; line?: number; column?: number }): void {
  const renamed = renamedInput(step, name);
  if (renamed === undefined) return;
  throw usageError(`${spelled(name)} is now ${spelled(renamed)} for '${step}'`, {
    code: 'input-renamed',
    hint: `Rename it: ${spelled(name)} -> ${spelled(renamed)}.`,
    ...(location ? { location } : {}),
  });
}
