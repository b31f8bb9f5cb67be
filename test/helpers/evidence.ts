import { join } from 'node:path';
import { expect } from 'vitest';
import { readEvidenceFolder, type ResultSchemas } from '../../shared/evidence/read.js';
import { loadSteps } from '../../shared/cli/step-catalog.js';

/** Every step's result schema, from the real catalog. */
export async function resultSchemas(): Promise<ResultSchemas> {
  return Object.fromEntries((await loadSteps()).filter((step) => step.result).map((step) => [step.name, step.result!]));
}

/** Reads every record in `<outDir>/evidence` through the evidence contract; fails on any it refuses. */
export async function expectValidEvidence(outDir: string, steps: readonly string[]): Promise<void> {
  const folder = await readEvidenceFolder(join(outDir, 'evidence'), { shown: 'evidence', results: await resultSchemas() });
  expect(folder.unreadable).toEqual([]);
  expect(folder.records.map((record) => record.step).sort()).toEqual([...steps].sort());
}
