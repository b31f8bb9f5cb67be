import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_STEPS } from '../helpers/fixture-steps.js';
import { runCliCaptured } from '../helpers/run-cli.js';

const sections = (text: string) => text.match(/^### .* modelci \w+$/gm) ?? [];

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-summary-'));
  await writeFile(join(dir, 'in.txt'), 'hello');
  return dir;
}

describe('the local summary.md', () => {
  it('holds only the last run of a step, not every run appended', async () => {
    const dir = await project();
    for (let run = 0; run < 3; run++) {
      const result = await runCliCaptured(['copy', '--source', 'in.txt'], { cwd: dir, env: {}, steps: FIXTURE_STEPS });
      expect(result.code, result.stderr).toBe(0);
    }
    expect(sections(await readFile(join(dir, '.modelci', 'summary.md'), 'utf8'))).toHaveLength(1);
  });

  it('holds the sections of the last pipeline run only', async () => {
    const dir = await project();
    await writeFile(join(dir, 'modelci.yaml'), 'pipeline: [copy, note]\ncopy:\n  source: in.txt\n');
    for (let run = 0; run < 2; run++) {
      const result = await runCliCaptured(['run'], { cwd: dir, env: {}, steps: FIXTURE_STEPS });
      expect(result.code, result.stderr).toBe(0);
    }
    const summary = await readFile(join(dir, '.modelci', 'summary.md'), 'utf8');
    expect(sections(summary).map((line) => line.split(' ').pop())).toEqual(['copy']);
  });

  it('is left alone by a dry run', async () => {
    const dir = await project();
    await writeFile(join(dir, 'modelci.yaml'), 'pipeline: [copy]\ncopy:\n  source: in.txt\n');
    expect((await runCliCaptured(['run'], { cwd: dir, env: {}, steps: FIXTURE_STEPS })).code).toBe(0);
    expect((await runCliCaptured(['run', '--dry-run'], { cwd: dir, env: {}, steps: FIXTURE_STEPS })).code).toBe(0);
    expect(existsSync(join(dir, '.modelci', 'summary.md'))).toBe(true);
  });
});
