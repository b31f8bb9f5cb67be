import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferSchemaStep } from '../../shared/steps/infer-schema.js';
import { validateDataStep } from '../../shared/steps/validate-data.js';
import { runCliCaptured, type CliRun } from '../helpers/run-cli.js';

export const STEPS = [validateDataStep, inferSchemaStep];

export function tempDir(prefix = 'modelci-validate-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `modelci <argv>` in-process in `cwd` with our steps; JSON documents parsed when asked for. */
export async function cli(cwd: string, argv: string[]): Promise<CliRun & { json?: Record<string, unknown> }> {
  const run = await runCliCaptured(argv, { cwd, steps: STEPS });
  if (argv.includes('json') && run.stdout.trim()) return { ...run, json: JSON.parse(run.stdout) as Record<string, unknown> };
  return run;
}

/** Every file under the out dir, for "nothing half-written" checks. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
