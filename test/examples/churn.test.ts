import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { expectValidEvidence } from '../helpers/evidence.js';

const example = join(repoRoot, 'examples', 'churn');

async function copyExample(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-churn-'));
  await cp(example, dir, { recursive: true, filter: (source) => !source.includes('.modelci') });
  return dir;
}

describe('examples/churn', () => {
  it.each([
    { file: 'data/churn.csv', args: ['--rows', '3000', '--seed', '7'] },
    { file: 'data/reference.csv', args: ['--rows', '2000', '--seed', '11', '--shift', '0.05'] },
  ])('the seeded generator reproduces $file byte for byte', async ({ file, args }) => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-gen-'));
    execFileSync('python3', [join(example, 'generate_data.py'), ...args, '--out', join(dir, 'out.csv')]);
    expect(await readFile(join(dir, 'out.csv'), 'utf8')).toBe(await readFile(join(example, file), 'utf8'));
  });

  it('runs its pipeline (the first model promoted and made champion), and a second run reuses the trained model and compares it, paired, with that champion', async () => {
    const dir = await copyExample();
    const first = await runCliCaptured(['run', '--format', 'json'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const firstDocument = JSON.parse(first.stdout);
    expect(firstDocument.status).toBe('passed');
    const train = JSON.parse(await readFile(join(dir, '.modelci/evidence/train.json'), 'utf8'));
    expect(train.result.cacheHit).toBe(false);
    expect(train.result.metrics.roc_auc).toBeGreaterThan(0.7);
    const predictions = await readFile(join(dir, 'predictions.csv'), 'utf8');
    expect(predictions.split('\n')[0]).toBe('customer_id,contract,label,score');

    const evaluated = JSON.parse(await readFile(join(dir, '.modelci/evidence/evaluate.json'), 'utf8'));
    expect(evaluated.result.metrics.roc_auc.value).toBeCloseTo(train.result.metrics.roc_auc, 4);
    expect(evaluated.result.metrics.roc_auc.ci[0]).toBeLessThan(evaluated.result.metrics.roc_auc.value);
    const pushed = JSON.parse(await readFile(join(dir, '.modelci/evidence/push-model.json'), 'utf8'));
    expect(pushed.result).toMatchObject({ name: 'churn', version: '1', created: true });
    const compared = JSON.parse(await readFile(join(dir, '.modelci/evidence/compare.json'), 'utf8'));
    expect(compared.result).toMatchObject({ decision: 'promote', champion: null, paired: null, reasons: [] });
    expect(compared.result.metrics[0].rules.map((rule: { rule: string; passed: boolean | null }) => [rule.rule, rule.passed])).toEqual([['min 0.7', true], ['max-regression 0.005', null]]);
    expect(pushed.result.attached).toEqual(expect.arrayContaining(['compare.json', 'evaluate.json', 'train.json']));
    const alias = await runCliCaptured(['registry', 'show', '--registry', 'file://.modelci/registry', '--name', 'churn', '--version', 'champion', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(alias.stdout)).toMatchObject({ version: '1', aliases: ['champion', 'staging'] });
    const gated = JSON.parse(await readFile(join(dir, '.modelci/evidence/gate.json'), 'utf8'));
    expect(gated.result).toMatchObject({ decision: 'allow', stage: 'staging', version: '1' });
    expect(gated.result.checks.every((check: { passed: boolean }) => check.passed)).toBe(true);
    const validated = JSON.parse(await readFile(join(dir, '.modelci/evidence/validate-data.json'), 'utf8'));
    expect(validated.result).toMatchObject({ rowCount: 3000, errorCount: 0, drift: { datasetDrift: false } });

    const second = await runCliCaptured(['run', '--format', 'json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(await readFile(join(dir, '.modelci/evidence/train.json'), 'utf8'));
    expect(again.result.cacheHit).toBe(true);
    const artifacts = (evidence: { outputs: { path: string }[] }) => evidence.outputs.filter((file) => !file.path.startsWith('.modelci/'));
    expect(artifacts(again)).toEqual(artifacts(train));
    expect(artifacts(train).map((file) => file.path)).toEqual(expect.arrayContaining(['model.json', 'predictions.csv', 'metrics.json']));
    const comparedAgain = JSON.parse(await readFile(join(dir, '.modelci/evidence/compare.json'), 'utf8'));
    expect(comparedAgain.result).toMatchObject({ decision: 'promote', paired: true, champion: { name: 'churn', version: '1', digest: pushed.result.digest } });
    expect(comparedAgain.result.metrics.map((metric: { delta: number }) => metric.delta)).toEqual([0, 0]);
    const pushedAgain = JSON.parse(await readFile(join(dir, '.modelci/evidence/push-model.json'), 'utf8'));
    expect(pushedAgain.result).toMatchObject({ version: '1', created: false });
    await expectValidEvidence(join(dir, '.modelci'), ['validate-data', 'train', 'evaluate', 'compare', 'push-model', 'gate', 'report']);
    const report = await readFile(join(dir, '.modelci/report.md'), 'utf8');
    expect(report).toMatch(/^## modelci report\n\n✅ \*\*passed\*\* · compare: \*\*promote\*\*/);
    for (const step of ['validate-data', 'train', 'evaluate', 'compare', 'push-model']) expect(report).toContain(`### ✅ ${step}`);
  });
});
