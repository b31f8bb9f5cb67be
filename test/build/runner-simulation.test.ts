import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAction, runAsRunner } from '../helpers/github-runner.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { repoRoot } from '../helpers/python.js';

const PREDICTIONS = `label,score\n${Array.from({ length: 200 }, (_, i) => `${i % 2},${((i % 2) * 0.3 + ((i * 37) % 100) / 140).toFixed(3)}`).join('\n')}\n`;
const EVALUATE_CONFIG = 'evaluate:\n  predictions: predictions.csv\n  task: binary\n  label: label\n  score: score\n  threshold: 0.9\n  bootstrap: 0\n';

async function parameters(dir: string, step: string): Promise<Record<string, unknown>> {
  return (JSON.parse(await readFile(join(dir, '.modelci', 'evidence', `${step}.json`), 'utf8')) as { parameters: Record<string, unknown> }).parameters;
}

describe('actions as the GitHub runner drives them (every declared input set)', () => {
  it('declares no default that the runner would pass over modelci.yaml', async () => {
    for (const action of ['action.yml', 'actions/evaluate/action.yml', 'actions/train/action.yml', 'actions/validate-data/action.yml', 'actions/push-model/action.yml', 'actions/compare/action.yml']) {
      const defaulted = Object.entries((await readAction(repoRoot, action)).inputs).filter(([name, input]) => input.default !== undefined && name !== 'step');
      expect(defaulted, action).toEqual([]);
    }
  });

  it('modelci.yaml values win over the step defaults (evaluate threshold 0.9, bootstrap 0)', async () => {
    const run = await runAsRunner(repoRoot, 'actions/evaluate/action.yml', {}, { 'modelci.yaml': EVALUATE_CONFIG, 'predictions.csv': PREDICTIONS });
    expect(run.status, run.log).toBe(0);
    expect(await parameters(run.dir, 'evaluate')).toMatchObject({ threshold: 0.9, bootstrap: 0 });
  });

  it("compare takes its champion and policy from modelci.yaml, and says promote through its outputs", async () => {
    const config = 'compare:\n  challenger: challenger.json\n  champion: champion.json\n  paired: allow-unpaired\n  metrics:\n    roc_auc: {min-improvement: 0.01}\n';
    const files = { 'modelci.yaml': config, 'challenger.json': '{"roc_auc": 0.85}', 'champion.json': '{"roc_auc": 0.8}' };
    const run = await runAsRunner(repoRoot, 'actions/compare/action.yml', {}, files);
    expect(run.status, run.log).toBe(0);
    expect(run.outputs).toMatch(/decision<<[^\n]+\npromote\n/);
    expect(await parameters(run.dir, 'compare')).toMatchObject({ champion: 'champion.json', challenger: 'challenger.json' });
    const rejected = await runAsRunner(repoRoot, 'actions/compare/action.yml', {}, { ...files, 'challenger.json': '{"roc_auc": 0.805}' });
    expect(rejected.status, rejected.log).toBe(1);
    expect(rejected.summary).toMatch(/reject/);
  });

  it('compare with: candidates picks the best matrix leg and names it in its challenger output', async () => {
    const legs: Record<string, string> = {};
    // leg-a, first by name, has every third label flipped: leg-b ranks better and must be the pick.
    const worse = PREDICTIONS.split('\n').map((line, i) => (i > 0 && i % 3 === 0 && line ? `${line[0] === '0' ? '1' : '0'}${line.slice(1)}` : line)).join('\n');
    for (const [leg, predictions] of [['leg-a', worse], ['leg-b', PREDICTIONS]] as const) {
      const dir = await mkdtemp(join(tmpdir(), 'modelci-runner-leg-'));
      await writeFile(join(dir, 'predictions.csv'), predictions);
      const evaluated = await runCliCaptured(['evaluate', '--predictions', 'predictions.csv', '--task', 'binary', '--label', 'label', '--score', 'score', '--bootstrap', '0'], { cwd: dir });
      expect(evaluated.code, evaluated.stderr).toBe(0);
      legs[`legs/${leg}/evaluate.json`] = await readFile(join(dir, '.modelci', 'evidence', 'evaluate.json'), 'utf8');
    }
    const config = 'compare:\n  champion: none\n  first-model: allow\n  metrics:\n    roc_auc: {min: 0.5}\n';
    const run = await runAsRunner(repoRoot, 'actions/compare/action.yml', { candidates: 'legs' }, { 'modelci.yaml': config, ...legs });
    expect(run.status, run.log).toBe(0);
    expect(run.outputs).toMatch(/challenger<<[^\n]+\nlegs\/leg-b\/evaluate\.json\n/);
  });

  it('the root action in pipeline mode hands a with: input to the step that takes it', async () => {
    const files = { 'modelci.yaml': `pipeline: [evaluate]\n${EVALUATE_CONFIG}`, 'predictions.csv': PREDICTIONS };
    const passing = await runAsRunner(repoRoot, 'action.yml', {}, files);
    expect(passing.status, passing.log).toBe(0);
    expect(passing.outputs).toMatch(/evaluate-status<<[^\n]+\npassed\n/);
    const strict = await runAsRunner(repoRoot, 'action.yml', { min: 'roc_auc=0.999' }, files);
    expect(strict.status, strict.log).toBe(1);
    expect(await parameters(strict.dir, 'evaluate')).toMatchObject({ min: ['roc_auc=0.999'], threshold: 0.9 });
  });

  it('the root action refuses an input that no listed step takes, naming it', async () => {
    const run = await runAsRunner(repoRoot, 'action.yml', { command: 'python3 train.py' }, { 'modelci.yaml': `pipeline: [evaluate]\n${EVALUATE_CONFIG}`, 'predictions.csv': PREDICTIONS });
    expect(run.status, run.log).toBe(2);
    expect(run.log).toContain("::error::input 'command' is taken by no step of the pipeline (evaluate)");
  });

  it('the root action refuses an input the chosen step does not take', async () => {
    const run = await runAsRunner(repoRoot, 'action.yml', { step: 'evaluate', command: 'python3 train.py' }, { 'modelci.yaml': EVALUATE_CONFIG, 'predictions.csv': PREDICTIONS });
    expect(run.status, run.log).toBe(2);
    expect(run.log).toContain("input 'command' is not an input of step 'evaluate'");
  });

  it("refuses train's old `metrics` input with its new name", async () => {
    const run = await runAsRunner(repoRoot, 'actions/train/action.yml', { command: 'true', metrics: 'metrics.json' }, {});
    expect(run.status, run.log).toBe(2);
    expect(run.log).toContain("input 'metrics' is now input 'metrics-files'");
  });
});
