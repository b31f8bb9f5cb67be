import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

// train's `metrics` (files) became `metrics-files`, so it no longer collides with evaluate's `metrics` (names).
describe("a renamed input is refused with its new name on every door", () => {
  it.each([
    { door: 'a flag', argv: ['train', '--command', 'true', '--metrics', 'm.json'], env: {}, config: '', message: '--metrics is now --metrics-files' },
    { door: 'a MODELCI_INPUT_* variable', argv: ['train', '--command', 'true'], env: { MODELCI_INPUT_METRICS: 'm.json' }, config: '', message: 'MODELCI_INPUT_METRICS is now MODELCI_INPUT_METRICS_FILES' },
    { door: 'a modelci.yaml key', argv: ['train'], env: {}, config: 'train:\n  command: "true"\n  metrics: [m.json]\n', message: "'metrics' is now 'metrics-files'" },
  ])('$door', async ({ argv, env, config, message }) => {
    const cwd = await mkdtemp(join(tmpdir(), 'modelci-renamed-'));
    if (config) await writeFile(join(cwd, 'modelci.yaml'), config);
    const run = await runCliCaptured([...argv, '--format', 'json'], { cwd, env });
    expect(run.code).toBe(2);
    const document = JSON.parse(run.stdout) as { error: { code: string; message: string; location?: { line?: number } } };
    expect(document.error.code).toBe('input-renamed');
    expect(document.error.message).toContain(message);
    if (config) expect(document.error.location?.line).toBe(3);
  });

  it("leaves evaluate's own `metrics` input alone", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'modelci-renamed-'));
    await writeFile(join(cwd, 'p.csv'), 'label,score\n0,0.1\n1,0.9\n0,0.3\n1,0.7\n');
    const run = await runCliCaptured(['evaluate', '--predictions', 'p.csv', '--task', 'binary', '--label', 'label', '--score', 'score', '--metrics', 'roc_auc', '--bootstrap', '0', '--format', 'json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
  });

  it('modelci run hands a flag to the listed steps that take it and refuses one none takes', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'modelci-run-flags-'));
    await writeFile(join(cwd, 'p.csv'), 'label,score\n0,0.1\n1,0.9\n0,0.3\n1,0.7\n');
    await writeFile(join(cwd, 'modelci.yaml'), 'pipeline: [evaluate]\nevaluate:\n  predictions: p.csv\n  task: binary\n  label: label\n  score: score\n  bootstrap: 0\n');
    const strict = await runCliCaptured(['run', '--min', 'roc_auc=1.01', '--format', 'json'], { cwd });
    expect(strict.code, strict.stderr).toBe(1);
    const refused = await runCliCaptured(['run', '--command', 'true', '--format', 'json'], { cwd });
    expect(refused.code).toBe(2);
    expect((JSON.parse(refused.stdout) as { error: { message: string } }).error.message).toBe("input 'command' is taken by no step of the pipeline (evaluate)");
  });
});
