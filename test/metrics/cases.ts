import { Rng } from '../../shared/metrics/rng.js';

/** Generated problems for the scikit-learn comparison; everything is seeded. */
export interface BinaryCase {
  name: string;
  y: number[];
  score: number[];
  /** Hard predictions; absent means score >= 0.5. */
  pred?: number[];
  weight?: number[];
}

export interface MulticlassCase {
  name: string;
  k: number;
  y: number[];
  /** Row-major n x k. */
  proba: number[];
  weight?: number[];
}

export interface RegressionCase {
  name: string;
  y: number[];
  pred: number[];
  weight?: number[];
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

interface BinaryOptions {
  n: number;
  seed: number;
  prevalence?: number;
  /** Round scores to this many decimals, to make ties. */
  decimals?: number;
  /** Fraction of scores forced to exactly 0 or 1. */
  extremes?: number;
  weights?: 'none' | 'uniform' | 'with-zeros' | 'integer';
  separation?: number;
  constantScore?: boolean;
}

export function binaryCase(name: string, o: BinaryOptions): BinaryCase {
  const rng = new Rng(o.seed);
  const y: number[] = [];
  const score: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < o.n; i++) {
    const label = rng.nextFloat() < (o.prevalence ?? 0.5) ? 1 : 0;
    let s = o.constantScore ? 0.5 : sigmoid((o.separation ?? 1.2) * (label ? 1 : -1) + rng.nextNormal());
    if (o.decimals !== undefined) s = Number(s.toFixed(o.decimals));
    if (o.extremes && rng.nextFloat() < o.extremes) s = rng.nextFloat() < 0.5 ? 0 : 1;
    y.push(label);
    score.push(s);
    if (o.weights === 'uniform') weight.push(0.1 + 2.9 * rng.nextFloat());
    else if (o.weights === 'with-zeros') weight.push(rng.nextFloat() < 0.1 ? 0 : 3 * rng.nextFloat());
    else if (o.weights === 'integer') weight.push(1 + rng.nextInt(4));
  }
  return { name, y, score, ...(weight.length ? { weight } : {}) };
}

export function multiclassCase(name: string, o: { n: number; k: number; seed: number; decimals?: number; extremes?: number; weights?: boolean; skew?: boolean }): MulticlassCase {
  const rng = new Rng(o.seed);
  const y: number[] = [];
  const proba: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < o.n; i++) {
    // Skewed class frequencies (class c with weight 1/(c+1)) when asked.
    let label: number;
    if (o.skew) {
      const total = Array.from({ length: o.k }, (_, c) => 1 / (c + 1)).reduce((a, b) => a + b, 0);
      let u = rng.nextFloat() * total;
      label = 0;
      while (label < o.k - 1 && u > 1 / (label + 1)) {
        u -= 1 / (label + 1);
        label++;
      }
    } else {
      label = rng.nextInt(o.k);
    }
    // Guarantee every class occurs at least once.
    if (i < o.k) label = i;
    const logits = Array.from({ length: o.k }, (_, c) => (c === label ? 1.5 : 0) + rng.nextNormal());
    let row: number[];
    if (o.extremes && rng.nextFloat() < o.extremes) {
      row = logits.map(() => 0);
      row[rng.nextInt(o.k)] = 1;
    } else {
      const max = Math.max(...logits);
      const exps = logits.map((v) => Math.exp(v - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      row = exps.map((v) => v / sum);
      if (o.decimals !== undefined) {
        // Round, and put the rounding residue on the largest class so rows still sum to 1.
        row = row.map((v) => Number(v.toFixed(o.decimals)));
        const top = row.indexOf(Math.max(...row));
        row[top] = 1 - row.reduce((a, b, c) => (c === top ? a : a + b), 0);
      }
    }
    y.push(label);
    proba.push(...row);
    if (o.weights) weight.push(rng.nextFloat() < 0.05 ? 0 : 0.2 + rng.nextFloat() * 2);
  }
  return { name, k: o.k, y, proba, ...(weight.length ? { weight } : {}) };
}

export function regressionCase(name: string, o: { n: number; seed: number; weights?: boolean; zeros?: number; decimals?: number; scale?: number }): RegressionCase {
  const rng = new Rng(o.seed);
  const y: number[] = [];
  const pred: number[] = [];
  const weight: number[] = [];
  const scale = o.scale ?? 10;
  for (let i = 0; i < o.n; i++) {
    let t = scale * (1 + rng.nextNormal());
    if (o.zeros && rng.nextFloat() < o.zeros) t = 0;
    let p = t + scale * 0.3 * rng.nextNormal();
    if (o.decimals !== undefined) {
      t = Number(t.toFixed(o.decimals));
      p = Number(p.toFixed(o.decimals));
    }
    y.push(t);
    pred.push(p);
    if (o.weights) weight.push(rng.nextFloat() < 0.05 ? 0 : rng.nextFloat() * 3);
  }
  return { name, y, pred, ...(weight.length ? { weight } : {}) };
}
