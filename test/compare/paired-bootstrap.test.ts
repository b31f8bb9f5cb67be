import { describe, expect, it } from 'vitest';
import { pairedBootstrap, type PairedModel } from '../../shared/compare/paired-bootstrap.js';
import { BOOTSTRAP_CHUNK, drawMultiplicities } from '../../shared/metrics/bootstrap.js';
import { binaryEvaluator } from '../../shared/metrics/evaluator.js';
import { chunkSeed, Rng } from '../../shared/metrics/rng.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';
import { seededRandom } from '../helpers/seeded-random.js';

const ROWS = 400;
const RESAMPLES = 200;
const SEED = 42;

function data() {
  const random = seededRandom(3);
  const y = new Uint8Array(ROWS);
  const a = new Float64Array(ROWS);
  const b = new Float64Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    y[i] = random() < 0.4 ? 1 : 0;
    const shared = random();
    a[i] = Number((0.4 * shared + 0.3 * y[i]! + 0.3 * random()).toFixed(2));
    b[i] = Number((0.4 * shared + 0.4 * y[i]! + 0.2 * random()).toFixed(2));
  }
  return { y, a, b };
}

/** A binary model; `kernel: false` leaves out the prepared rows, so the generic in-thread path runs. */
function model(y: Uint8Array, score: Float64Array, kernel = true): PairedModel {
  const evaluator = binaryEvaluator({ y, score, pred: undefined, weight: null, threshold: 0.5, bins: 10 });
  return { evaluator, rowOfPosition: evaluator.prepared.order, ...(kernel ? { binary: evaluator.prepared } : {}) };
}

function strataOf(y: Uint8Array): Uint32Array[] {
  const rows = [0, 1].map((label) => Uint32Array.from([...y.keys()].filter((row) => y[row] === label)));
  return rows;
}

const { y, a, b } = data();
const options = { resamples: RESAMPLES, seed: SEED, confidence: 0.95, strata: strataOf(y), rows: ROWS };

describe('paired bootstrap of the change', () => {
  it('gives [0, 0] for a model against itself, and the same interval for the same seed', async () => {
    const same = await pairedBootstrap(model(y, a), model(y, a), ['roc_auc', 'log_loss'], options);
    expect(same.get('roc_auc')).toEqual({ ci: [0, 0], resamples: RESAMPLES });
    const once = await pairedBootstrap(model(y, a), model(y, b), ['roc_auc'], options);
    expect(await pairedBootstrap(model(y, a), model(y, b), ['roc_auc'], options)).toEqual(once);
    expect((await pairedBootstrap(model(y, a), model(y, b), ['roc_auc'], { ...options, seed: 7 })).get('roc_auc')!.ci).not.toEqual(once.get('roc_auc')!.ci);
  });

  it('gives the same numbers on worker threads, in this thread, and through the generic evaluators', async () => {
    const names = ['roc_auc', 'average_precision', 'accuracy', 'log_loss', 'brier_score', 'f1', 'ece'];
    const generic = await pairedBootstrap(model(y, a, false), model(y, b, false), names, options);
    const here = await pairedBootstrap(model(y, a), model(y, b), names, { ...options, threads: 1 });
    const workers = await pairedBootstrap(model(y, a), model(y, b), names, { ...options, threads: 2, minParallelWork: 0 });
    expect(here).toEqual(generic);
    expect(workers).toEqual(generic);
  });

  it.skipIf(!hasPythonModule('sklearn'))('equals scikit-learn on the same resampled rows (weights = multiplicities) and numpy quantiles to 1e-9', async () => {
    let rng = new Rng(chunkSeed(SEED, 0));
    const mult = new Uint32Array(ROWS);
    const draws: number[][] = [];
    for (let r = 0; r < RESAMPLES; r++) {
      if (r % BOOTSTRAP_CHUNK === 0) rng = new Rng(chunkSeed(SEED, r));
      drawMultiplicities(rng, options.strata, mult);
      draws.push([...mult]);
    }
    const reference = runPythonJson<Record<string, [number, number]>>(
      `
import json, sys
import numpy as np
from sklearn.metrics import roc_auc_score, log_loss, accuracy_score
d = json.load(sys.stdin)
y, a, b = np.array(d["y"]), np.array(d["a"]), np.array(d["b"])
out = {}
for name, f in [("roc_auc", lambda s, w: roc_auc_score(y, s, sample_weight=w)), ("log_loss", lambda s, w: log_loss(y, s, sample_weight=w, labels=[0, 1])), ("accuracy", lambda s, w: accuracy_score(y, (s >= 0.5).astype(int), sample_weight=w))]:
    deltas = np.array([f(b, np.array(w)) - f(a, np.array(w)) for w in d["draws"]])
    out[name] = [float(np.quantile(deltas, 0.025)), float(np.quantile(deltas, 0.975))]
print(json.dumps(out))
`,
      { y: [...y], a: [...a], b: [...b], draws },
    );
    const ours = await pairedBootstrap(model(y, a), model(y, b), ['roc_auc', 'log_loss', 'accuracy'], options);
    for (const name of ['roc_auc', 'log_loss', 'accuracy']) {
      const [lo, hi] = ours.get(name)!.ci!;
      expect(Math.abs(lo - reference[name]![0]), name).toBeLessThan(1e-9);
      expect(Math.abs(hi - reference[name]![1]), name).toBeLessThan(1e-9);
    }
  });
});
