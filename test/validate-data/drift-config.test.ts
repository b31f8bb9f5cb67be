import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

// `far` drifts hard, `x` a little; nothing else is wrong with the data.
let dir: string;
const SCHEMA = 'fields:\n  - {name: x, type: integer}\n  - {name: segment, type: string}\n  - {name: far, type: integer}\n';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelci-drift-config-'));
  const rows = (shift: number, far: number) => ['x,segment,far', ...Array.from({ length: 100 }, (_, i) => `${i + shift},${i % 3 === 0 ? 'a' : 'b'},${i + far}`)].join('\n') + '\n';
  await writeFile(join(dir, 'reference.csv'), rows(0, 0));
  await writeFile(join(dir, 'current.csv'), rows(10, 1000));
  await writeFile(join(dir, 'schema.yaml'), SCHEMA);
  await writeFile(join(dir, 'schema-drift.yaml'), `${SCHEMA}x-modelci:\n  drift:\n    failOn: any\n    methods: {far: psi}\n`);
});

interface ResultDocument {
  drift: { columns: { name: string; method?: string; threshold?: number }[] };
  error: { message: string; location?: { line?: number } };
}

async function validate(config: string, schema = 'schema.yaml') {
  const cwd = await mkdtemp(join(dir, 'run-'));
  await writeFile(join(cwd, 'modelci.yaml'), `validate-data:\n  data: ../current.csv\n  schema: ../${schema}\n  reference: ../reference.csv\n${config}`);
  const json = await runCliCaptured(['validate-data', '--format', 'json'], { cwd });
  const text = await runCliCaptured(['validate-data', '--out-dir', '.text'], { cwd });
  return { cwd, json, text, document: JSON.parse(json.stdout) as ResultDocument };
}

describe('drift options from modelci.yaml and from the schema, as docs/drift.md promises', () => {
  it('takes the drift: section of modelci.yaml (per-column methods and thresholds, charts)', async () => {
    const run = await validate('  drift:\n    methods: {x: wasserstein}\n    thresholds: {x: 0.5}\n    share: 0.9\n    charts: 0\n');
    expect(run.json.code, run.json.stderr).toBe(0);
    const x = run.document.drift.columns.find((column: { name: string }) => column.name === 'x');
    expect(x).toMatchObject({ method: 'wasserstein', threshold: 0.5 });
    expect(await readFile(join(run.cwd, '.text', 'summary.md'), 'utf8')).not.toContain('xychart-beta');
  });

  it('takes x-modelci.drift from the Table Schema, and modelci.yaml wins over it key by key', async () => {
    const fromSchema = await validate('', 'schema-drift.yaml');
    expect(fromSchema.json.code).toBe(1);
    expect(fromSchema.document.drift.columns.find((column: { name: string }) => column.name === 'far')?.method).toBe('psi');
    const overridden = await validate('  drift:\n    failOn: never\n', 'schema-drift.yaml');
    expect(overridden.json.code, overridden.json.stderr).toBe(0);
    expect(overridden.document.drift.columns.find((column: { name: string }) => column.name === 'far')?.method).toBe('psi');
  });

  it('refuses a bad drift value at its line', async () => {
    const run = await validate('  drift:\n    methods:\n      x: magic\n');
    expect(run.json.code).toBe(2);
    expect(run.document.error.message).toContain("'validate-data.drift.methods.x'");
    expect(run.document.error.location).toMatchObject({ line: 7 });
  });

  it('names a drift-only failure in the text line, the summary, failed-checks, drift-detected and an annotation', async () => {
    const run = await validate('  drift-fail-on: any\n');
    expect(run.json.code).toBe(1);
    expect(run.text.stdout).toMatch(/validate-data failed: .*failed: drift; drift: \d+\/3 columns drifted; fails the step: column drifted: far \(drift fail-on: any\)/);
    const summary = await readFile(join(run.cwd, '.text', 'summary.md'), 'utf8');
    expect(summary).toContain('**Drift fails this step**: column drifted: far');
    expect(summary).not.toContain('No dataset drift');
    expect(run.text.stderr).toContain('drift fails the step: column drifted: far');
    const outputs = await runCliCaptured(['validate-data', '--format', 'json'], { cwd: run.cwd, env: { MODELCI_PLATFORM: 'gitlab', MODELCI_DOTENV: join(run.cwd, 'out.env') } });
    expect(outputs.code).toBe(1);
    const dotenv = await readFile(join(run.cwd, 'out.env'), 'utf8');
    expect(dotenv).toContain('MODELCI_VALIDATE_DATA_FAILED_CHECKS=drift');
    expect(dotenv).toContain('MODELCI_VALIDATE_DATA_DRIFT_DETECTED=true');
  });
});
