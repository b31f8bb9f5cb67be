import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/python.js';

const gitlabCiLocal = join(repoRoot, 'node_modules', '.bin', 'gitlab-ci-local');

/**
 * Runs a pipeline that includes our component with gitlab-ci-local. There is no Docker engine
 * here, so the test drops the component's `image:` line and runs the job in the shell executor,
 * with MODELCI_BIN pointing at the built CLI instead of `npx modelci@version`.
 */
async function runPipeline(component: string, pipeline: string, files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-gitlab-'));
  await mkdir(join(dir, 'templates'));
  const template = await readFile(join(repoRoot, 'gitlab', 'templates', `${component}.yml`), 'utf8');
  await writeFile(join(dir, 'templates', `${component}.yml`), template.replace(/^\s+image: \$\[\[ inputs\.image \]\]\n/m, ''));
  await writeFile(join(dir, '.gitlab-ci.yml'), pipeline);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir });
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'pipeline');
  const run = spawnSync(gitlabCiLocal, ['--shell-executor-no-image', '--variable', `MODELCI_BIN=${process.execPath} ${join(repoRoot, 'bin', 'modelci.js')}`], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir },
    timeout: 180_000,
  });
  return { dir, status: run.status, output: `${run.stdout}${run.stderr}` };
}

const TRAIN = 'import json\njson.dump({"accuracy": 0.9, "loss": {"val": 0.3}}, open("metrics.json", "w"))\nopen("model.bin", "w").write("w")\n';

describe('GitLab components', () => {
  it('train runs from its spec inputs, and its dotenv outputs reach the next job', async () => {
    const pipeline = `include:
  - local: templates/train.yml
    inputs:
      command: python3 train.py
      metrics: metrics.json
      outputs: |
        model.bin
        metrics.json
report:
  stage: test
  needs: [modelci-train]
  script:
    - echo "train said $MODELCI_TRAIN_STATUS with $MODELCI_TRAIN_METRICS"
`;
    const run = await runPipeline('train', pipeline, { 'train.py': TRAIN });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('PASS  modelci-train');
    expect(run.output).toContain('section_start:');
    expect(run.output).toMatch(/train said passed with \{"accuracy":0\.9,"loss\.val":0\.3\}/);
    const evidence = JSON.parse(await readFile(join(run.dir, '.modelci/evidence/train.json'), 'utf8'));
    expect(evidence).toMatchObject({ platform: 'gitlab', status: 'passed' });
    expect(evidence.parameters.outputs).toEqual(['model.bin', 'metrics.json']);
  });

  it('a failing command fails the job', async () => {
    const pipeline = 'include:\n  - local: templates/train.yml\n    inputs:\n      command: exit 4\n';
    const run = await runPipeline('train', pipeline, {});
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('FAIL  modelci-train');
  });
});
