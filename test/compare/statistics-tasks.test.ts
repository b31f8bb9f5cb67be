import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_CHUNK, drawMultiplicities } from '../../shared/metrics/bootstrap.js';
import { chunkSeed, Rng } from '../../shared/metrics/rng.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { seededRandom } from '../helpers/seeded-random.js';

const ROWS = 300;
const RESAMPLES = 200;
const SEED = 9;
const CLASSES = ['bird', 'cat', 'dog'];

interface Row { id: string; label: string | number; a: number[]; b: number[] }

/** Two models' outputs on the same rows: regression predictions, or class probabilities. */
function rows(task: 'regression' | 'multiclass'): Row[] {
  const random = seededRandom(task === 'regression' ? 21 : 22);
  return Array.from({ length: ROWS }, (_, i) => {
    if (task === 'regression') {
      const y = 10 * random();
      return { id: `r${i}`, label: Number(y.toFixed(3)), a: [Number((y + 2 * (random() - 0.5)).toFixed(3))], b: [Number((y + 1.5 * (random() - 0.5)).toFixed(3))] };
    }
    const label = Math.floor(random() * 3);
    const probabilities = (skill: number) => {
      const raw = CLASSES.map((_, k) => (k === label ? skill : 0) + random());
      const total = raw.reduce((sum, value) => sum + value, 0);
      return raw.map((value) => Number((value / total).toFixed(6)));
    };
    return { id: `r${i}`, label: CLASSES[label]!, a: probabilities(0.6), b: probabilities(0.9) };
  });
}

function csv(data: Row[], side: 'a' | 'b', task: string): string {
  const header = task === 'regression' ? 'id,label,prediction' : `id,label,${CLASSES.map((c) => `p_${c}`).join(',')}`;
  return `${[header, ...data.map((row) => [row.id, row.label, ...row[side]].join(','))].join('\n')}\n`;
}

/** The multiplicities compare draws (seeded chunks of resamples): strata are the challenger's rows of each label, in order of first appearance. */
function draws(labels: (string | number)[], stratified: boolean): number[][] {
  const byLabel = new Map<string | number, number[]>();
  labels.forEach((label, row) => {
    const key = stratified ? label : 'all';
    byLabel.set(key, [...(byLabel.get(key) ?? []), row]);
  });
  const strata = [...byLabel.values()].map((group) => Uint32Array.from(group));
  let rng = new Rng(chunkSeed(SEED, 0));
  const mult = new Uint32Array(labels.length);
  return Array.from({ length: RESAMPLES }, (_, resample) => {
    if (resample % BOOTSTRAP_CHUNK === 0) rng = new Rng(chunkSeed(SEED, resample));
    drawMultiplicities(rng, strata, mult);
    return [...mult];
  });
}

async function compareTask(task: 'regression' | 'multiclass', metrics: string[]) {
  const dir = await mkdtemp(join(tmpdir(), `modelci-compare-${task}-`));
  const data = rows(task);
  // The champion's file lists the rows in another order: pairing is by id, not by position.
  const shuffled = [...data].reverse();
  await writeFile(join(dir, 'champion.csv'), csv(shuffled, 'a', task));
  await writeFile(join(dir, 'challenger.csv'), csv(data, 'b', task));
  await writeFile(join(dir, 'policy.yaml'), `resamples: ${RESAMPLES}\nseed: ${SEED}\nmetrics:\n${metrics.map((name) => `  ${name}: {max-regression: 0.5, significance: true}`).join('\n')}\n`);
  const columns = task === 'regression' ? ['--prediction', 'prediction'] : ['--proba-prefix', 'p_'];
  for (const [file, out] of [['champion.csv', 'a'], ['challenger.csv', 'b']] as const) {
    const run = await runCliCaptured(['evaluate', '--predictions', file, '--task', task, '--label', 'label', '--id', 'id', '--bootstrap', '0', '--out-dir', out, ...columns], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
  }
  const run = await runCliCaptured(['compare', '--challenger', 'b', '--champion', 'a/evidence/evaluate.json', '--policy', 'policy.yaml', '--format', 'json'], { cwd: dir });
  expect([0, 1]).toContain(run.code);
  const document = JSON.parse(run.stdout) as { paired: boolean; metrics: { name: string; ci: [number, number] | null; pValue: number | null; test: string }[] };
  return { data, document };
}

describe('compare statistics beyond binary', () => {
  it.skipIf(!hasPythonModule('sklearn'))('regression: paired intervals of mae, rmse and r2 equal scikit-learn on the same resampled rows to 1e-9', async () => {
    const { data, document } = await compareTask('regression', ['mae', 'rmse', 'r2']);
    expect(document.paired).toBe(true);
    const reference = runPythonJson<Record<string, [number, number]>>(
      `
import json, sys
import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
d = json.load(sys.stdin)
y, a, b = np.array(d["y"]), np.array(d["a"]), np.array(d["b"])
fs = {"mae": mean_absolute_error, "rmse": lambda t, p, sample_weight: np.sqrt(mean_squared_error(t, p, sample_weight=sample_weight)), "r2": r2_score}
out = {}
for name, f in fs.items():
    deltas = np.array([f(y, b, sample_weight=np.array(w)) - f(y, a, sample_weight=np.array(w)) for w in d["draws"]])
    out[name] = [float(np.quantile(deltas, 0.025)), float(np.quantile(deltas, 0.975))]
print(json.dumps(out))
`,
      { y: data.map((row) => row.label), a: data.map((row) => row.a[0]), b: data.map((row) => row.b[0]), draws: draws(data.map((row) => row.label), false) },
    );
    for (const name of ['mae', 'rmse', 'r2']) {
      const metric = document.metrics.find((m) => m.name === name)!;
      expect(metric.test).toBe('paired-bootstrap');
      expect(Math.abs(metric.ci![0] - reference[name]![0]), name).toBeLessThan(1e-9);
      expect(Math.abs(metric.ci![1] - reference[name]![1]), name).toBeLessThan(1e-9);
    }
  });

  it.skipIf(!hasPythonModule('sklearn') || !hasPythonModule('statsmodels'))('multiclass: paired intervals equal scikit-learn, and accuracy is tested with McNemar as statsmodels does', async () => {
    const { data, document } = await compareTask('multiclass', ['accuracy', 'f1_macro', 'log_loss']);
    expect(document.paired).toBe(true);
    const reference = runPythonJson<{ ci: Record<string, [number, number]>; mcnemar: number }>(
      `
import json, sys
import numpy as np
from sklearn.metrics import accuracy_score, f1_score, log_loss
from statsmodels.stats.contingency_tables import mcnemar
d = json.load(sys.stdin)
classes = d["classes"]
y = np.array([classes.index(label) for label in d["y"]])
a, b = np.array(d["a"]), np.array(d["b"])
fs = {"accuracy": lambda p, w: accuracy_score(y, p.argmax(1), sample_weight=w), "f1_macro": lambda p, w: f1_score(y, p.argmax(1), average="macro", sample_weight=w, labels=[0, 1, 2]), "log_loss": lambda p, w: log_loss(y, p, sample_weight=w, labels=[0, 1, 2])}
ci = {}
for name, f in fs.items():
    deltas = np.array([f(b, np.array(w)) - f(a, np.array(w)) for w in d["draws"]])
    ci[name] = [float(np.quantile(deltas, 0.025)), float(np.quantile(deltas, 0.975))]
ra, rb = a.argmax(1) == y, b.argmax(1) == y
table = [[int(np.sum(ra & rb)), int(np.sum(ra & ~rb))], [int(np.sum(~ra & rb)), int(np.sum(~ra & ~rb))]]
discordant = table[0][1] + table[1][0]
print(json.dumps({"ci": ci, "mcnemar": float(mcnemar(table, exact=discordant < 25, correction=True).pvalue)}))
`,
      { classes: CLASSES, y: data.map((row) => row.label), a: data.map((row) => row.a), b: data.map((row) => row.b), draws: draws(data.map((row) => row.label), true) },
    );
    for (const name of ['accuracy', 'f1_macro', 'log_loss']) {
      const metric = document.metrics.find((m) => m.name === name)!;
      expect(Math.abs(metric.ci![0] - reference.ci[name]![0]), name).toBeLessThan(1e-9);
      expect(Math.abs(metric.ci![1] - reference.ci[name]![1]), name).toBeLessThan(1e-9);
    }
    const accuracy = document.metrics.find((m) => m.name === 'accuracy')!;
    expect(accuracy.test).toMatch(/^paired-bootstrap \+ mcnemar-/);
    // Holm over one metric with a p-value (accuracy) leaves it unchanged.
    expect(Math.abs(accuracy.pValue! - reference.mcnemar)).toBeLessThan(1e-9);
  });

  it('binary with --pos-label: compare reads the labels as evaluate did', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-compare-pos-label-'));
    const random = seededRandom(5);
    const labels = Array.from({ length: 200 }, () => (random() < 0.4 ? 'churned' : 'stayed'));
    const file = (skill: number) => `id,label,score\n${labels.map((label, i) => `c${i},${label},${Math.min(1, Math.max(0, (label === 'churned' ? skill : 0) + 0.6 * random())).toFixed(4)}`).join('\n')}\n`;
    await writeFile(join(dir, 'champion.csv'), file(0.2));
    await writeFile(join(dir, 'challenger.csv'), file(0.4));
    await writeFile(join(dir, 'policy.yaml'), 'resamples: 100\nmetrics:\n  roc_auc: {min-improvement: 0, significance: true}\n');
    for (const [predictions, out] of [['champion.csv', 'a'], ['challenger.csv', 'b']] as const) {
      const run = await runCliCaptured(['evaluate', '--predictions', predictions, '--task', 'binary', '--label', 'label', '--score', 'score', '--pos-label', 'churned', '--id', 'id', '--bootstrap', '0', '--out-dir', out], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
    }
    const run = await runCliCaptured(['compare', '--challenger', 'b', '--champion', 'a', '--policy', 'policy.yaml', '--format', 'json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { paired: boolean; metrics: { name: string; ci: [number, number] | null; test: string }[] };
    expect(document.paired).toBe(true);
    expect(document.metrics[0]).toMatchObject({ name: 'roc_auc', test: 'paired-bootstrap + delong (holm)' });
    expect(document.metrics[0]!.ci![0]).toBeGreaterThan(0);
  });
});
