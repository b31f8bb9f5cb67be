import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

const CONFIG = 'pipeline: [evaluate]\nevaluate:\n  predictions: predictions.csv\n  task: binary\n  label: label\n  score: score\n';

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-dry-'));
  await writeFile(join(dir, 'modelci.yaml'), CONFIG);
  await writeFile(join(dir, 'predictions.csv'), 'label,score\n0,0.1\n1,0.9\n');
  return dir;
}

interface Planned { name: string; value: unknown; origin: string; at?: string }

describe('modelci run --dry-run', () => {
  it('prints every step input with its origin and runs nothing', async () => {
    const dir = await project();
    const run = await runCliCaptured(['run', '--dry-run', '--threshold', '0.3', '--format', 'json'], { cwd: dir, env: { MODELCI_INPUT_BOOTSTRAP: '50' } });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { status: string; plan: { step: string; inputs: Planned[] }[]; notRun: string[] };
    expect(document.status).toBe('planned');
    expect(document.notRun).toEqual(['evaluate']);
    const inputs = Object.fromEntries(document.plan[0]!.inputs.map((input) => [input.name, input]));
    expect(inputs.threshold).toEqual({ name: 'threshold', value: 0.3, origin: 'flag' });
    expect(inputs.bootstrap).toEqual({ name: 'bootstrap', value: 50, origin: 'environment' });
    expect(inputs.label).toEqual({ name: 'label', value: 'label', origin: 'config', at: 'modelci.yaml:5:10' });
    expect(inputs.confidence).toMatchObject({ origin: 'default' });
    expect(existsSync(join(dir, '.modelci'))).toBe(false);
  });

  it('shows secret inputs as ***', async () => {
    const dir = await project();
    await writeFile(join(dir, 'modelci.yaml'), 'pipeline: [push-model]\npush-model:\n  registry: file://registry\n  name: churn\n  path: model\n');
    const run = await runCliCaptured(['run', '--dry-run', '--format', 'json'], { cwd: dir, env: { MODELCI_INPUT_PASSWORD: 'sekrit-value' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('sekrit-value');
    const inputs = (JSON.parse(run.stdout) as { plan: { inputs: Planned[] }[] }).plan[0]!.inputs;
    expect(inputs.find((input) => input.name === 'password')).toEqual({ name: 'password', value: '***', origin: 'environment' });
  });

  it('says it in text, one line per input', async () => {
    const dir = await project();
    const run = await runCliCaptured(['run', '--dry-run'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^dry run: 1 step\(s\) would run, none was run$/m);
    expect(run.stdout).toMatch(/^ {2}predictions += "predictions\.csv" {2}\(config modelci\.yaml:3:16\)$/m);
  });

  it('still refuses bad inputs with exit 2, before anything runs', async () => {
    const dir = await project();
    const run = await runCliCaptured(['run', '--dry-run', '--threshold', 'high'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/threshold/);
  });
});
