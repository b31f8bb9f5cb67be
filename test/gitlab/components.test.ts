import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/python.js';

const gitlabCiLocal = join(repoRoot, 'node_modules', '.bin', 'gitlab-ci-local');

/**
 * Runs a pipeline that includes our component with gitlab-ci-local. There is no Docker engine
 * here, so the test drops the component's `image:` line and runs the job in the shell executor,
 * with MODELCI_BIN pointing at the built CLI instead of `npx modelci@version`.
 */
async function runPipeline(components: string | string[], pipeline: string, files: Record<string, string>, copies: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-gitlab-'));
  await mkdir(join(dir, 'templates'));
  for (const component of [components].flat()) {
    const template = await readFile(join(repoRoot, 'gitlab', 'templates', `${component}.yml`), 'utf8');
    await writeFile(join(dir, 'templates', `${component}.yml`), template.replace(/^\s+image: \$\[\[ inputs\.image \]\]\n/m, ''));
  }
  await writeFile(join(dir, '.gitlab-ci.yml'), pipeline);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  for (const [name, source] of Object.entries(copies)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await copyFile(source, join(dir, name));
  }
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

/** A documented GitLab example, with its `component:` includes pointed at the local templates. */
async function documentedExample(file: string): Promise<{ pipeline: string; components: string[] }> {
  const text = await readFile(join(repoRoot, file), 'utf8');
  const block = /```yaml\n((?:# \.gitlab-ci\.yml\n)?include:[\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error(`${file} has no GitLab example`);
  const components = [...block.matchAll(/component: \$CI_SERVER_FQDN\/modelci\/modelci\/([\w-]+)@[\w.]+/g)].map((match) => match[1]!);
  return { pipeline: block.replace(/component: \$CI_SERVER_FQDN\/modelci\/modelci\/([\w-]+)@[\w.]+/g, 'local: templates/$1.yml'), components };
}

const TRAIN = 'import json\njson.dump({"accuracy": 0.9, "loss": {"val": 0.3}}, open("metrics.json", "w"))\nopen("model.bin", "w").write("w")\n';

describe('GitLab components', () => {
  it('train runs from its spec inputs, and its dotenv outputs reach the next job', async () => {
    const pipeline = `include:
  - local: templates/train.yml
    inputs:
      command: python3 train.py
      metrics-files: metrics.json
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

  it.each(['README.md', 'gitlab/README.md'])('the GitLab example in %s runs as written', async (file) => {
    const { pipeline, components } = await documentedExample(file);
    expect(components.length).toBeGreaterThan(0);
    const churn = join(repoRoot, 'examples', 'churn');
    const files: Record<string, string> = {
      'train.py': 'import json\njson.dump({"accuracy": 0.9}, open("metrics.json", "w"))\nopen("model.json", "w").write("{}")\nopen("predictions.csv", "w").write("label,score\\n0,0.1\\n")\n',
    };
    if (components.includes('validate-data')) {
      files['schema.yaml'] = await readFile(join(churn, 'schema.yaml'), 'utf8');
    }
    const run = await runPipeline(components, pipeline, files, components.includes('validate-data') ? { 'data/churn.csv': join(churn, 'data', 'churn.csv'), 'data/reference.csv': join(churn, 'data', 'reference.csv') } : {});
    expect(run.status, run.output).toBe(0);
    for (const component of components) expect(run.output).toContain(`PASS  modelci-${component}`);
  });

  it('a failing command fails the job', async () => {
    const pipeline = 'include:\n  - local: templates/train.yml\n    inputs:\n      command: exit 4\n';
    const run = await runPipeline('train', pipeline, {});
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('FAIL  modelci-train');
  });
});
