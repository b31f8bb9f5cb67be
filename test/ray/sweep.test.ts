import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';
import { makeContext, runTrainStep } from '../train/helpers.js';
import { CiPlatform, projects, rayCluster } from './helpers.js';

const cluster = rayCluster();
const made = projects();

/**
 * docs/train.md's recipe as the CI would run it: each matrix leg trains one learning rate on the
 * cluster and evaluates its predictions, its out-dir is the leg's artifact, and a later job
 * downloads them all into one folder and lets compare pick the best against the champion.
 */
describe.runIf(cluster)('a hyperparameter sweep across matrix legs, each on Ray, and compare picks the best', () => {
  const c = cluster!;

  it('trains every leg as its own Ray job, and compare picks the leg with the best roc_auc and promotes it', async () => {
    const work = await made.empty('modelci-ray-sweep-');
    const legsDir = join(work, 'legs');
    const rates = ['0.01', '0.5', '3'];
    const legs = await Promise.all(rates.map(async (rate) => {
      const dir = await made.churn(`modelci-ray-leg-${rate}-`);
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
    await writeFile(join(work, 'champ.json'), JSON.stringify({ roc_auc: Math.min(...legs.map((leg) => leg.rocAuc)) }));
    await writeFile(join(work, 'policy.yaml'), 'paired: allow-unpaired\nmetrics:\n  roc_auc: {min: 0.5, max-regression: 0.01}\n');
    const picked = await runCliCaptured(['compare', '--candidates', 'legs', '--champion', 'champ.json', '--policy', 'policy.yaml', '--format', 'json'], { cwd: work });
    expect(picked.code, picked.stderr).toBe(0);
    const result = JSON.parse(picked.stdout) as { decision: string; challenger: { source: string }; candidates: { source: string; value: number; picked: boolean }[] };
    expect(result.decision).toBe('promote');
    expect(result.challenger.source).toBe(`legs/train-lr-${best.rate}/evidence/evaluate.json`);
    expect(result.candidates.filter((row) => row.picked).map((row) => row.source)).toEqual([result.challenger.source]);
    expect(result.candidates.map((row) => row.value).sort()).toEqual(legs.map((leg) => leg.rocAuc).sort());
  });
});
