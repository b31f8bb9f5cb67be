import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelci-drift-wiring-'));
  const rows = (shift: number, far: number) => ['x,segment,far', ...Array.from({ length: 100 }, (_, i) => `${i + shift},${i % 3 === 0 ? 'a' : 'b'},${i + far}`)].join('\n') + '\n';
  await writeFile(join(dir, 'reference.csv'), rows(0, 0));
  await writeFile(join(dir, 'current.csv'), rows(10, 1000));
  await writeFile(join(dir, 'schema.yaml'), 'fields:\n  - {name: x, type: integer}\n  - {name: segment, type: string}\n  - {name: far, type: integer}\n');
});

describe('validate-data --reference', () => {
  it('reports drift per column with the reference statistics', async () => {
    const run = await runCliCaptured(['validate-data', '--data', 'current.csv', '--schema', 'schema.yaml', '--reference', 'reference.csv', '--drift-method', 'ks', '--drift-share', '0.9', '--format', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    const x = document.drift.columns.find((column: { name: string }) => column.name === 'x');
    expect(x).toMatchObject({ method: 'ks', drifted: false, approximate: false });
    expect(x.statistic).toBeCloseTo(0.1, 12);
    expect(x.pValue).toBeCloseTo(0.702057, 6);
    expect(document.drift.columns.find((column: { name: string }) => column.name === 'far').drifted).toBe(true);
    expect(document.drift.datasetDrift).toBe(false);
  });

  it('fails the step when a column drifts and drift-fail-on is any', async () => {
    const run = await runCliCaptured(['validate-data', '--data', 'current.csv', '--schema', 'schema.yaml', '--reference', 'reference.csv', '--drift-fail-on', 'any', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).status).toBe('failed');
  });

  it('exits 2 when the reference file is missing', async () => {
    const run = await runCliCaptured(['validate-data', '--data', 'current.csv', '--schema', 'schema.yaml', '--reference', 'nope.csv'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nope.csv');
  });
});
