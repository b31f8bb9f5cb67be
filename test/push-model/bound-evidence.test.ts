import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

// A train command that writes a model directory and per-row predictions; MODEL picks its content.
const TRAIN = [
  'mkdir -p model',
  'echo "weights-$MODEL" > model/weights.bin',
  'echo "{\\"kind\\": \\"$MODEL\\"}" > model/config.json',
  'printf "label,score\\n0,0.1\\n1,0.9\\n0,0.35\\n1,0.8\\n0,0.2\\n1,0.6\\n" > predictions.csv',
  'echo "{\\"accuracy\\": 0.5}" > metrics.json',
].join(' && ');

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-bound-'));
  await writeFile(
    join(dir, 'modelci.yaml'),
    `train:\n  command: '${TRAIN}'\n  outputs: [model, predictions.csv]\n  metrics-files: [metrics.json]\n  cache: false\nevaluate:\n  predictions: predictions.csv\n  task: binary\n  label: label\n  score: score\n  bootstrap: 0\npush-model:\n  registry: file://registry\n  name: churn\n  path: model\n`,
  );
  return dir;
}

async function cli(dir: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await runCliCaptured([...argv, '--format', 'json'], { cwd: dir, env });
  return { ...run, json: JSON.parse(run.stdout) as Record<string, unknown> };
}

async function show(dir: string, version: string) {
  return (await cli(dir, ['registry', 'show', '--registry', 'file://registry', '--name', 'churn', '--version', version])).json as {
    digest: string;
    metrics?: Record<string, number>;
    metadata: Record<string, string>;
    evidence: { path: string; step?: string }[];
  };
}

describe('push-model attaches only the evidence of the pushed content', () => {
  it('attaches train and evaluate of this model, takes metrics from evaluate as an object, and its digest is train\'s', async () => {
    const dir = await project();
    expect((await cli(dir, ['train'], { MODEL: 'a' })).code).toBe(0);
    expect((await cli(dir, ['evaluate'])).code).toBe(0);
    const pushed = await cli(dir, ['push-model']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.json.attached).toEqual(['evaluate.json', 'evaluate-predictions.csv', 'train.json']);
    const train = JSON.parse(await readFile(join(dir, '.modelci', 'evidence', 'train.json'), 'utf8'));
    const recorded = train.result.outputs.find((output: { path: string }) => output.path === 'model');
    const version = await show(dir, '1');
    expect(version.digest).toBe(`sha256:${recorded.sha256}`);
    expect(version.metrics?.accuracy).toBe(1); // evaluate's, not the 0.5 that train's metrics.json says
    expect(version.metadata.metrics).toBeUndefined();
    expect(version.evidence.map((entry) => entry.path)).toEqual(['evaluate.json', 'evaluate-predictions.csv', 'train.json']);
  });

  it("does not attach another model's train evidence lying in the folder", async () => {
    const dir = await project();
    expect((await cli(dir, ['train'], { MODEL: 'b' })).code).toBe(0);
    expect((await cli(dir, ['evaluate'])).code).toBe(0);
    // Model A's files are put in place by hand: the evidence folder still describes model B.
    await writeFile(join(dir, 'model', 'weights.bin'), 'weights-a\n');
    const pushed = await cli(dir, ['push-model']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.json.attached).toEqual([]);
    expect(pushed.stderr).toContain('Not attaching train.json to churn: its outputs do not include this content');
    expect(pushed.stderr).toContain('Not attaching evaluate.json to churn: no train evidence');
    expect((await show(dir, '1')).metrics).toBeUndefined();
  });

  it('refuses a model whose evaluate evidence failed, naming the step, unless allow-failed-evidence', async () => {
    const dir = await project();
    expect((await cli(dir, ['train'], { MODEL: 'a' })).code).toBe(0);
    expect((await cli(dir, ['evaluate', '--max', 'accuracy=0.9'])).code).toBe(1);
    const refused = await runCliCaptured(['push-model'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('push-model failed: refused: the evaluate evidence of this model failed');
    expect((await cli(dir, ['registry', 'show', '--registry', 'file://registry', '--name', 'churn', '--version', '1'])).code).toBe(2);
    const allowed = await cli(dir, ['push-model', '--allow-failed-evidence']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.json.allowedFailedEvidence).toEqual(['evaluate']);
    expect((await show(dir, '1')).metadata.allowedFailedEvidence).toBe('evaluate');
  });

  it('refuses a model directory with a symbolic-link loop instead of walking it forever', async () => {
    const dir = await project();
    await mkdir(join(dir, 'model', 'sub'), { recursive: true });
    await writeFile(join(dir, 'model', 'sub', 'w.bin'), 'w');
    await symlink('..', join(dir, 'model', 'sub', 'up'));
    const run = await cli(dir, ['push-model']);
    expect(run.code).toBe(2);
    expect((run.json.error as { code: string }).code).toBe('path-symlink-loop');
  });
});
