import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSteps } from '../../shared/cli/step-catalog.js';

const STEPS = await loadSteps();
import { repoRoot } from '../helpers/python.js';

// The built bundle (test/global-setup.ts builds it), run as the GitHub runner runs an action:
// `node <main>` with INPUT_* variables and temp GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.

interface ActionRun {
  status: number | null;
  stdout: string;
  outputs: string;
  summary: string;
  dir: string;
}

async function runAction(entry: string, inputs: Record<string, string>, prepare?: (dir: string) => Promise<void>): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-action-'));
  await prepare?.(dir);
  const outputFile = join(dir, '.github_output');
  const summaryFile = join(dir, '.github_summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_WORKSPACE: dir };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const run = spawnSync(process.execPath, [join(repoRoot, entry)], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout + run.stderr, outputs: await readFile(outputFile, 'utf8'), summary: await readFile(summaryFile, 'utf8'), dir };
}

const TRAIN_SCRIPT = `import json\nwith open("metrics.json", "w") as f:\n    json.dump({"accuracy": 0.91, "loss": {"train": 0.2}}, f)\nwith open("model.bin", "w") as f:\n    f.write("weights")\n`;
const writeTrainScript = async (dir: string) => writeFile(join(dir, 'train.py'), TRAIN_SCRIPT);

describe('built GitHub actions', () => {
  it.each(STEPS.filter((step) => step.published !== false).map((step) => step.name))('actions/%s points at a tiny entry over the one bundle', async (name) => {
    const action = parse(await readFile(join(repoRoot, 'actions', name, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'index.js' });
    const entry = await readFile(join(repoRoot, 'actions', name, 'index.js'), 'utf8');
    expect(entry).toContain("from '../../dist/index.js'");
    expect(entry.split('\n').filter((line) => line.trim() && !line.startsWith('//')).length).toBeLessThanOrEqual(3);
  });

  it('train writes outputs, the job summary and evidence', async () => {
    const run = await runAction('actions/train/index.js', { COMMAND: 'python3 train.py', 'METRICS-FILES': 'metrics.json', OUTPUTS: 'model.bin', UPLOAD: 'false' }, writeTrainScript);
    expect(run.status, run.stdout).toBe(0);
    expect(run.outputs).toMatch(/status<<[^\n]+\npassed\n/);
    expect(run.outputs).toMatch(/evidence<<[^\n]+\n\.modelci\/evidence\/train\.json\n/);
    expect(run.outputs).toContain('0.91');
    expect(run.summary).toContain('modelci train');
    expect(run.stdout).toContain('::group::');
    const evidence = JSON.parse(await readFile(join(run.dir, '.modelci/evidence/train.json'), 'utf8'));
    expect(evidence.status).toBe('passed');
    expect(evidence.outputs.map((file: { path: string }) => file.path)).toEqual(expect.arrayContaining(['model.bin', 'metrics.json']));
  });

  it('train exits 1 with an ::error:: annotation when the command fails', async () => {
    const run = await runAction('actions/train/index.js', { COMMAND: 'echo about to fail; exit 3', UPLOAD: 'false' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/::error[^:]*::/);
    expect(run.outputs).toMatch(/status<<[^\n]+\nfailed\n/);
  });

  it('train exits 1 with "timed out after N s" and no evidence marked passed', async () => {
    const run = await runAction('actions/train/index.js', { COMMAND: 'sleep 30', TIMEOUT: '1', UPLOAD: 'false' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('timed out after 1 s');
    const evidencePath = join(run.dir, '.modelci/evidence/train.json');
    if (existsSync(evidencePath)) expect(JSON.parse(await readFile(evidencePath, 'utf8')).status).not.toBe('passed');
  });

  it('the root action runs the step named by its step input', async () => {
    const run = await runAction('actions/index.js', { STEP: 'train', COMMAND: 'python3 train.py', 'METRICS-FILES': 'metrics.json', UPLOAD: 'false' }, writeTrainScript);
    expect(run.status, run.stdout).toBe(0);
    expect(run.outputs).toMatch(/status<<[^\n]+\npassed\n/);
  });

  it('a missing required input exits 2 with an annotation', async () => {
    const run = await runAction('actions/train/index.js', {});
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('::error::missing required input --command');
  });

  it('masks token-like inputs', async () => {
    const run = await runAction('actions/train/index.js', { COMMAND: 'echo "token is $API_TOKEN"', ENV: 'API_TOKEN=tok-123456789', UPLOAD: 'false' });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain('::add-mask::tok-123456789');
  });

  it('the release dry run makes a commit with dist/ and tags nothing', async () => {
    const clone = await mkdtemp(join(tmpdir(), 'modelci-release-'));
    execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
    symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
    await cp(join(repoRoot, 'dist'), join(clone, 'dist'), { recursive: true });
    const output = execFileSync(process.execPath, ['scripts/release.mjs', '--dry-run', '--skip-build'], { cwd: clone, encoding: 'utf8' });
    const commit = /release commit ([0-9a-f]{40})/.exec(output)?.[1];
    expect(commit).toBeDefined();
    const files = execFileSync('git', ['ls-tree', '-r', '--name-only', commit!], { cwd: clone, encoding: 'utf8' });
    expect(files).toContain('dist/index.js');
    expect(execFileSync('git', ['tag', '--list'], { cwd: clone, encoding: 'utf8' }).trim()).toBe('');
  });
});
