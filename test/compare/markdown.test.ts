import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

describe('the compare table', () => {
  it('names the confidence of the intervals the policy asked for, not a fixed 95%', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-compare-md-'));
    await writeFile(join(dir, 'challenger.json'), '{"roc_auc": 0.91}');
    await writeFile(join(dir, 'champion.json'), '{"roc_auc": 0.88}');
    for (const [alpha, header] of [['0.1', '90% CI of the change'], ['0.05', '95% CI of the change'], ['0.025', '97.5% CI of the change']]) {
      await writeFile(join(dir, 'policy.yaml'), `alpha: ${alpha}\npaired: allow-unpaired\nmetrics:\n  roc_auc: {min-improvement: 0}\n`);
      const run = await runCliCaptured(['compare', '--challenger', 'challenger.json', '--champion', 'champion.json', '--policy', 'policy.yaml'], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      const summary = await readFile(join(dir, '.modelci', 'summary.md'), 'utf8');
      expect(summary).toContain(`| ${header} |`);
    }
  });
});
