import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** Per-row predictions of two models on the same customers; `skill` is how much the label moves the score. */
function predictions(rows: number, skill: number, seed: number, flipLabelOf?: number): string {
  const labels = seededRandom(1);
  const noise = seededRandom(seed);
  const lines = ['id,label,score'];
  for (let i = 0; i < rows; i++) {
    const label = labels() < 0.4 ? 1 : 0;
    const score = Math.min(1, Math.max(0, 0.5 + skill * (label - 0.5) + 0.35 * (noise() - 0.5) * 2));
    lines.push(`c${i},${i === flipLabelOf ? 1 - label : label},${score.toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-paired-'));
  await writeFile(join(dir, 'champion.csv'), predictions(600, 0.3, 2));
  await writeFile(join(dir, 'better.csv'), predictions(600, 0.6, 3));
  await writeFile(join(dir, 'equal.csv'), predictions(600, 0.3, 4));
  await writeFile(join(dir, 'relabelled.csv'), predictions(600, 0.6, 3, 7));
  await writeFile(join(dir, 'policy.yaml'), 'resamples: 500\nmetrics:\n  roc_auc: {min-improvement: 0, significance: true}\n  accuracy: {max-regression: 0.02, significance: true}\n');
  return dir;
}

async function cli(dir: string, argv: string[]) {
  const run = await runCliCaptured([...argv, '--format', 'json'], { cwd: dir });
  return { ...run, json: run.stdout ? (JSON.parse(run.stdout) as Record<string, unknown>) : {} };
}

const evaluate = (file: string, outDir: string) => ['evaluate', '--predictions', file, '--task', 'binary', '--label', 'label', '--score', 'score', '--id', 'id', '--bootstrap', '0', '--out-dir', outDir];

interface Metric { name: string; ci: [number, number] | null; pValue: number | null; test: string | null; passed: boolean }

describe('compare pairs rows by id and label, and tests the change on them', () => {
  it('promotes a clearly better model with intervals and tests, and rejects one of equal quality', async () => {
    const dir = await project();
    expect((await cli(dir, evaluate('champion.csv', 'champ'))).code).toBe(0);
    expect((await cli(dir, evaluate('better.csv', 'better'))).code).toBe(0);
    const better = await cli(dir, ['compare', '--challenger', 'better', '--champion', 'champ', '--policy', 'policy.yaml']);
    expect(better.code, better.stderr).toBe(0);
    expect(better.json).toMatchObject({ decision: 'promote', paired: true });
    const [auc, accuracy] = better.json.metrics as Metric[];
    expect(auc!.ci![0]).toBeGreaterThan(0);
    expect(auc!.test).toBe('paired-bootstrap + delong (holm)');
    expect(auc!.pValue).toBeLessThan(0.05);
    expect(accuracy!.test).toMatch(/^paired-bootstrap \+ mcnemar-(exact|chi2-corrected) \(holm\)$/);

    expect((await cli(dir, evaluate('equal.csv', 'equal'))).code).toBe(0);
    const equal = await cli(dir, ['compare', '--challenger', 'equal', '--champion', 'champ', '--policy', 'policy.yaml']);
    expect(equal.code).toBe(1);
    expect((equal.json.metrics as Metric[])[0]!.passed).toBe(false);
    expect((equal.json.metrics as Metric[])[0]!.ci![0]).toBeLessThan(0);
  });

  it('a model against itself shows no change and is not a significant improvement', async () => {
    const dir = await project();
    await cli(dir, evaluate('champion.csv', 'champ'));
    const same = await cli(dir, ['compare', '--challenger', 'champ', '--champion', 'champ', '--policy', 'policy.yaml']);
    expect(same.code).toBe(1);
    expect((same.json.metrics as Metric[])[0]!.ci).toEqual([0, 0]);
  });

  it('one changed label makes the comparison unpaired, and unpaired rejects with that reason', async () => {
    const dir = await project();
    await cli(dir, evaluate('champion.csv', 'champ'));
    await cli(dir, evaluate('relabelled.csv', 'relabelled'));
    const run = await cli(dir, ['compare', '--challenger', 'relabelled', '--champion', 'champ', '--policy', 'policy.yaml']);
    expect(run.code).toBe(1);
    expect(run.json.paired).toBe(false);
    expect((run.json.reasons as string[]).join()).toMatch(/different rows or labels/);
  });
});
