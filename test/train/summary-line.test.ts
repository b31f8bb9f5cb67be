import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsText } from '../../shared/train/summary.js';
import { runCliCaptured } from '../helpers/run-cli.js';

describe("train's text line shows its metric values", () => {
  it('names each value, JSON-style for non-numbers, and counts the rest', () => {
    expect(metricsText({})).toBe('no metrics');
    expect(metricsText({ auc: 0.912345, note: 'ok', flag: true, missing: null })).toBe('auc=0.9123, note="ok", flag=true, missing=null');
    const many = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`m${i}`, i]));
    expect(metricsText(many)).toBe('m0=0, m1=1, m2=2, m3=3, m4=4, m5=5 and 3 more');
  });

  it('prints them after a run and after a cache hit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-train-line-'));
    const argv = ['train', '--command', 'echo \'{"accuracy": 0.75, "loss": 0.5}\' > metrics.json', '--metrics-files', 'metrics.json'];
    const first = await runCliCaptured(argv, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout + first.stderr).toMatch(/accuracy=0\.75, loss=0\.5/);
    const again = await runCliCaptured(argv, { cwd: dir });
    expect(again.stdout + again.stderr).toMatch(/cache hit.*; accuracy=0\.75, loss=0\.5/);
  });
});
