import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasPythonModule, repoRoot, runPythonJson } from '../../helpers/python.js';
import { cli, tempDir } from '../helpers.js';
import { CASES, type ParityCase } from './cases.js';
import { DIVERGENCES } from './divergences.js';

/**
 * Done-when 1 of issue 15: on every case modelci validate-data's verdict (refused, or valid and
 * the list of [error type, rowNumber, fieldName]) equals frictionless-py 5.21.0's, computed here
 * by one Python process over all cases. A case in DIVERGENCES must still differ, the way and for
 * the reason the table says (docs/validate-data.md lists the same).
 */
type Triple = [string, number | null, string];

interface Verdict {
  refused: string | null;
  valid: boolean;
  errors: Triple[];
}

interface Written {
  dir: string;
  data: string;
}

const written = new Map<string, Written>();

function write(item: ParityCase): Written {
  const dir = tempDir('modelci-parity-');
  writeFileSync(join(dir, 'data.csv'), item.csv);
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(item.schema, null, 2));
  return { dir, data: join(dir, 'data.csv') };
}

async function ours(item: ParityCase): Promise<Verdict & { warnings: string }> {
  const { dir } = written.get(item.name)!;
  const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--format', 'json', '--max-errors', '100000']);
  if (run.code === 2) return { refused: run.stderr.trim() || run.stdout.trim(), valid: false, errors: [], warnings: run.stderr };
  const json = run.json as { errors: { code: string; rowNumber?: number; fieldName?: string }[] } | undefined;
  if (run.code !== 0 && run.code !== 1) throw new Error(`${item.name}: exit ${run.code}: ${run.stderr}`);
  return { refused: null, valid: run.code === 0, errors: (json?.errors ?? []).map((error) => [error.code, error.rowNumber ?? null, error.fieldName ?? '']), warnings: run.stderr };
}

/** What is compared: whether the schema is refused (not why: the words differ), else the errors. */
function shape(verdict: Verdict): unknown {
  return verdict.refused !== null ? 'refused' : { valid: verdict.valid, errors: verdict.errors };
}

describe('parity with frictionless-py 5.21.0 on frictionless-py test situations', () => {
  const available = hasPythonModule('frictionless');
  const reference = new Map<string, Verdict>();

  beforeAll(() => {
    for (const item of CASES) written.set(item.name, write(item));
    if (!available) return;
    const input = CASES.map((item) => ({ name: item.name, data: written.get(item.name)!.data, schema: item.schema, v2: item.v2 ?? false }));
    const results = runPythonJson<(Verdict & { name: string })[]>(readFileSync(join(repoRoot, 'test/validate-data/parity/frictionless_cases.py'), 'utf8'), input);
    for (const result of results) reference.set(result.name, result);
  });

  it('has at least 100 cases with distinct names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CASES.map((item) => item.name)).size).toBe(CASES.length);
  });

  it('every documented divergence names a case', () => {
    const names = new Set(CASES.map((item) => item.name));
    expect(Object.keys(DIVERGENCES).filter((name) => !names.has(name))).toEqual([]);
  });

  it.skipIf(!available)('agrees with frictionless-py on every case outside the divergence table', async () => {
    const disagreements: unknown[] = [];
    for (const item of CASES) {
      if (DIVERGENCES[item.name]) continue;
      const theirs = reference.get(item.name)!;
      const mine = await ours(item);
      if (JSON.stringify(shape(mine)) !== JSON.stringify(shape(theirs))) disagreements.push({ case: item.name, frictionless: theirs, modelci: { refused: mine.refused, valid: mine.valid, errors: mine.errors } });
    }
    expect(disagreements).toEqual([]);
  });

  it.skipIf(!available)('differs on each documented divergence, as documented', async () => {
    for (const [name, divergence] of Object.entries(DIVERGENCES)) {
      const item = CASES.find((entry) => entry.name === name)!;
      const theirs = reference.get(name)!;
      const mine = await ours(item);
      expect(JSON.stringify(shape(mine)), `${name}: agrees now; remove it from the divergence table`).not.toEqual(JSON.stringify(shape(theirs)));
      divergence.check(mine, theirs);
    }
  });
});
