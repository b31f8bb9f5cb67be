import { seededRandom } from '../helpers/seeded-random.js';

/** Seeded data for the drift tests: the same seed gives the same numbers on every machine. */
export const rng = seededRandom;

export function normal(random: () => number, n: number, mean = 0, sd = 1): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u = random() || 1e-12;
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out.push(mean + sd * r * Math.cos(2 * Math.PI * v));
    if (out.length < n) out.push(mean + sd * r * Math.sin(2 * Math.PI * v));
  }
  return out;
}

export function categories(random: () => number, n: number, labels: string[], weights: number[]): string[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let u = random() * total;
    let k = 0;
    while (k < labels.length - 1 && u >= weights[k]!) u -= weights[k++]!;
    out.push(labels[k]!);
  }
  return out;
}
