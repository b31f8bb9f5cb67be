import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_STEPS } from '../helpers/fixture-steps.js';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';

interface ObjectSchema {
  required: string[];
  properties: Record<string, { const?: unknown; enum?: unknown[]; type?: string }>;
  additionalProperties?: boolean;
  $defs: { file: { required: string[]; properties: Record<string, { pattern?: string }> } };
}

describe('docs/evidence.schema.json', () => {
  it('describes the evidence a step writes: every required key, no undeclared key, well-formed digests', async () => {
    const schema = JSON.parse(await readFile(join(repoRoot, 'docs/evidence.schema.json'), 'utf8')) as ObjectSchema;
    const dir = await mkdtemp(join(tmpdir(), 'modelci-evidence-'));
    await writeFile(join(dir, 'in.txt'), 'hello');
    const run = await runCliCaptured(['copy', '--source', 'in.txt', '--format', 'json'], { cwd: dir, steps: FIXTURE_STEPS });
    expect(run.code).toBe(0);
    const evidence = JSON.parse(await readFile(JSON.parse(run.stdout).evidence, 'utf8')) as Record<string, unknown>;

    for (const key of schema.required) expect(evidence, `missing ${key}`).toHaveProperty(key);
    if (schema.additionalProperties === false) for (const key of Object.keys(evidence)) expect(schema.properties, `undeclared ${key}`).toHaveProperty(key);
    expect(evidence.schemaVersion).toBe(schema.properties.schemaVersion!.const);
    expect(schema.properties.status!.enum).toContain(evidence.status);
    expect(schema.properties.platform!.enum).toContain(evidence.platform);
    const digest = new RegExp(schema.$defs.file.properties.sha256!.pattern!);
    for (const file of [...(evidence.inputs as Record<string, unknown>[]), ...(evidence.outputs as Record<string, unknown>[])]) {
      for (const key of schema.$defs.file.required) expect(file).toHaveProperty(key);
      expect(String(file.sha256)).toMatch(digest);
    }
  });
});
