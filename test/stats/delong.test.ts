import { describe, expect, it } from 'vitest';
import { delongTest } from '../../shared/stats/delong.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';
import { seededRandom } from '../helpers/seeded-random.js';

interface Case {
  name: string;
  y: number[];
  a: number[];
  b: number[];
}

/** Two models sharing a latent signal, so their errors correlate; `decimals` rounds scores into ties. */
function makeCase(name: string, rows: number, seed: number, decimals?: number): Case {
  const random = seededRandom(seed);
  const round = (value: number) => (decimals === undefined ? value : Number(value.toFixed(decimals)));
  const y: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rows; i++) {
    const label = random() < 0.35 ? 1 : 0;
    const shared = random();
    y.push(label);
    a.push(round(0.5 * shared + 0.3 * label + 0.4 * random()));
    b.push(round(0.5 * shared + 0.4 * label + 0.35 * random()));
  }
  return { name, y, a, b };
}

const cases = [makeCase('n=40 continuous', 40, 1), makeCase('n=300 continuous', 300, 2), makeCase('n=500 ties (1 decimal)', 500, 3, 1), makeCase('n=3000 heavy ties (2 decimals)', 3000, 4, 2), makeCase('n=20000 continuous', 20_000, 5)];
const available = hasPythonModule('MLstatkit') && hasPythonModule('sklearn');

describe.skipIf(!available)("DeLong's test agrees with MLstatkit and scikit-learn", () => {
  const reference = available
    ? runPythonJson<{ z: number; p: number; aucA: number; aucB: number; variance: number; method: string; skA: number; skB: number }[]>(
        `
import json, sys
import numpy as np
from MLstatkit import Delong_test as delong_test
from sklearn.metrics import roc_auc_score
out = []
for case in json.load(sys.stdin):
    y, a, b = np.array(case["y"]), np.array(case["a"]), np.array(case["b"])
    z, p, _ci_a, _ci_b, auc_a, auc_b, info = delong_test(y, a, b)
    out.append({"z": z, "p": p, "aucA": auc_a, "aucB": auc_b, "variance": info["var_diff"], "method": info["method"], "skA": roc_auc_score(y, a), "skB": roc_auc_score(y, b)})
print(json.dumps(out))
`,
        cases,
      )
    : [];

  cases.forEach((c, index) => {
    it(`${c.name}: AUCs, variance, z and p equal to 1e-9`, () => {
      const expected = reference[index]!;
      expect(expected.method).toBe('delong');
      const ours = delongTest(c.y, c.a, c.b);
      const close = (actual: number | null, wanted: number, tolerance = 1e-9) => expect(Math.abs(actual! - wanted), `${actual} vs ${wanted}`).toBeLessThan(tolerance);
      close(ours.aucA, expected.aucA);
      close(ours.aucB, expected.aucB);
      close(ours.aucA, expected.skA);
      close(ours.aucB, expected.skB);
      close(ours.variance, expected.variance, 1e-9 * expected.variance);
      close(ours.z, expected.z);
      close(ours.pValue, expected.p);
    });
  });
});

describe("DeLong's test without the reference", () => {
  it('has no z or p when the two models score alike (zero variance of the difference)', () => {
    const c = makeCase('same', 100, 9);
    const result = delongTest(c.y, c.a, c.a);
    expect(result.difference).toBe(0);
    expect([result.z, result.pValue]).toEqual([null, null]);
  });

  it('refuses data with fewer than two rows of a class', () => {
    expect(() => delongTest([1, 0, 0], [0.9, 0.1, 0.2], [0.8, 0.3, 0.1])).toThrow(/two rows of each class/);
  });
});
