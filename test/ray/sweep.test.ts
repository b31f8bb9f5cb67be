import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { RunInfo } from '../../shared/platform/types.js';
import { repoRoot } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { FakePlatform, makeContext, runTrainStep, tempDir } from '../train/helpers.js';

const provided = inject('ray');
const cluster = 'address' in provided ? provided : undefined;
const churn = join(repoRoot, 'examples', 'churn');
const dirs: { cleanup(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => dir.cleanup()));
});

class CiPlatform extends FakePlatform {
  constructor(private readonly runInfo: RunInfo) {
    super('github');
  }
  override run(): RunInfo {
    return this.runInfo;
  }
}

/**
 * docs/train.md's recipe as the CI would run it: each matrix leg trains one learning rate on the
 * cluster and evaluates its predictions, its out-dir is the leg's artifact, and a later job
 * downloads them all into one folder and lets compare pick the best against the champion.
 */
describe.runIf(cluster)('a hyperparameter sweep across matrix legs, each on Ray, and compare picks the best', () => {
  const c = cluster!;

  it('trains every leg as its own Ray job, and compare picks the leg with the best roc_auc and promotes it', async () => {
    const work = await tempDir('modelci-ray-sweep-');
    dirs.push(work);
    const legsDir = join(work.path, 'legs');
    const rates = ['0.01', '0.5', '3'];
    const legs = await Promise.all(rates.map(async (rate) => {
      const dir = join(work.path, `leg-${rate}`);
      for (const name of ['train.py', 'params.json', 'data']) await cp(join(churn, name), join(dir, name), { recursive: true });
      const platform = new CiPlatform({ id: '6161', attempt: '1', repository: 'acme/churn', job: `sweep (${rate})` });
      const trained = await runTrainStep({
        command: 'python3 train.py', params: 'params.json', param: [`learning_rate=${rate}`], deps: ['data/churn.csv', 'train.py'], metricsFiles: ['metrics.json'], outputs: ['model.json', 'predictions.csv'],
        backend: 'ray', rayAddress: c.address, rayToken: c.token, resultsUri: `s3://${c.bucket}/sweep`, resultsEndpoint: c.s3Endpoint, cache: false,
      }, makeContext(dir, { platform, env: c.aws }).ctx);
      expect(trained.status, trained.error?.message).toBe('passed');
      const evaluated = await runCliCaptured(['evaluate', '--predictions', 'predictions.csv', '--task', 'binary', '--label', 'label', '--score', 'score', '--format', 'json'], { cwd: dir });
      expect(evaluated.code, evaluated.stderr).toBe(0);
      // The leg's artifact: its out-dir's evidence, downloaded into legs/<artifact name>/.
      await cp(join(dir, '.modelci', 'evidence'), join(legsDir, `train-lr-${rate}`, 'evidence'), { recursive: true });
      const data = (trained.result?.data ?? {}) as { ray: { submissionId: string } };
      return { rate, submissionId: data.ray.submissionId, rocAuc: (JSON.parse(evaluated.stdout) as { metrics: { roc_auc: { value: number } } }).metrics.roc_auc.value };
    }));
    // Each leg's run-cache key differs, so each got its own submission: none attached to another's.
    expect(new Set(legs.map((leg) => leg.submissionId)).size).toBe(3);
    expect(new Set(legs.map((leg) => leg.rocAuc)).size).toBe(3);

    const best = legs.reduce((a, b) => (b.rocAuc > a.rocAuc ? b : a));
    await mkdir(join(work.path, 'pick'), { recursive: true });
    await writeFile(join(work.path, 'champ.json'), JSON.stringify({ roc_auc: Math.min(...legs.map((leg) => leg.rocAuc)) }));
    await writeFile(join(work.path, 'policy.yaml'), 'paired: allow-unpaired\nmetrics:\n  roc_auc: {min: 0.5, max-regression: 0.01}\n');
    const picked = await runCliCaptured(['compare', '--candidates', 'legs', '--champion', 'champ.json', '--policy', 'policy.yaml', '--format', 'json'], { cwd: work.path });
    expect(picked.code, picked.stderr).toBe(0);
    const result = JSON.parse(picked.stdout) as { decision: string; challenger: { source: string }; candidates: { source: string; value: number; picked: boolean }[] };
    expect(result.decision).toBe('promote');
    expect(result.challenger.source).toBe(`legs/train-lr-${best.rate}/evidence/evaluate.json`);
    expect(result.candidates.filter((row) => row.picked).map((row) => row.source)).toEqual([result.challenger.source]);
    expect(result.candidates.map((row) => row.value).sort()).toEqual(legs.map((leg) => leg.rocAuc).sort());
  });
});
