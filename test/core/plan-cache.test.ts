import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';
import { tempDir, trainProject } from '../train/helpers.js';

let dir: { path: string; cleanup(): Promise<void> };

const CONFIG = 'pipeline: [train]\ntrain:\n  command: python3 train.py\n  params: params.json\n  metrics-files: [metrics.json]\n  outputs: [out/model.json]\n  deps: [data]\n';

beforeEach(async () => {
  dir = await tempDir('modelci-plan-cache-');
  await trainProject(dir.path);
  await writeFile(join(dir.path, 'modelci.yaml'), CONFIG);
});

afterEach(async () => dir.cleanup());

const env = () => ({ COUNTER: join(dir.path, 'runs.log') });

async function plan(): Promise<string[]> {
  const run = await runCliCaptured(['run', '--dry-run', '--format', 'json'], { cwd: dir.path, env: env() });
  expect(run.code, run.stderr).toBe(0);
  const document = JSON.parse(run.stdout) as { plan: { step: string; notes?: string[] }[] };
  return document.plan[0]!.notes ?? [];
}

async function cacheEntries(): Promise<string[]> {
  return readdir(join(dir.path, '.modelci', 'cache', 'train')).catch(() => []);
}

describe('modelci run --dry-run predicts the train run cache', () => {
  it('says miss before the first run, hit after it, and miss with the reason after a change; it writes nothing', async () => {
    expect(await plan()).toEqual([expect.stringMatching(/^run cache would miss [0-9a-f]{12} \(no earlier run of this train in the cache\): the command would run$/)]);
    expect(await cacheEntries()).toEqual([]);

    const run = await runCliCaptured(['run'], { cwd: dir.path, env: env() });
    expect(run.code, run.stderr).toBe(0);
    const entries = await cacheEntries();
    expect(await plan()).toEqual([expect.stringMatching(/^run cache would hit [0-9a-f]{12} \(the run of .+\): the command would not run$/)]);

    await writeFile(join(dir.path, 'params.json'), JSON.stringify({ lr: 0.3, model: { depth: 3 } }));
    expect((await plan())[0]).toMatch(/would miss .*params: lr 0\.1 -> 0\.3/);
    expect(await cacheEntries()).toEqual(entries);
  });

  it('says when it cannot predict, instead of failing the plan', async () => {
    await writeFile(join(dir.path, 'modelci.yaml'), CONFIG.replace('deps: [data]', 'deps: [prepared-by-an-earlier-step]'));
    expect((await plan())[0]).toContain("run cache cannot be predicted: Data path 'prepared-by-an-earlier-step' does not exist.");
  });

  it('prints the prediction under the step in text', async () => {
    const run = await runCliCaptured(['run', '--dry-run'], { cwd: dir.path, env: env() });
    expect(run.stdout).toMatch(/^ {2}-> run cache would miss /m);
  });
});
