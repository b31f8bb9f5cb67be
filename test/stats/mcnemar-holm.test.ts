import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../shared/stats/holm.js';
import { discordantPairs, mcnemar } from '../../shared/stats/mcnemar.js';
import { hasPythonModule, runPythonJson } from '../helpers/python.js';

const available = hasPythonModule('statsmodels');

// Discordant counts (b, c): small, balanced, lopsided, one side zero, and large.
const tables: [number, number][] = [[0, 1], [1, 0], [1, 1], [3, 9], [9, 3], [5, 5], [0, 12], [17, 40], [250, 251], [1200, 1100], [30_000, 70_000], [49_900, 50_100]];

describe.skipIf(!available)('McNemar and Holm agree with statsmodels', () => {
  const reference = available
    ? runPythonJson<{ mcnemar: { exact: [number, number]; chi2: [number, number] }[]; holm: number[][] }>(
        `
import json, sys
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
cases = json.load(sys.stdin)
out = {"mcnemar": [], "holm": []}
for b, c in cases["tables"]:
    table = [[10, b], [c, 10]]
    e = mcnemar(table, exact=True)
    x = mcnemar(table, exact=False, correction=True)
    out["mcnemar"].append({"exact": [float(e.statistic), float(e.pvalue)], "chi2": [float(x.statistic), float(x.pvalue)]})
for ps in cases["holm"]:
    out["holm"].append([float(p) for p in multipletests(ps, method="holm")[1]])
print(json.dumps(out))
`,
        { tables, holm: holmCases() },
      )
    : undefined;

  tables.forEach(([b, c], index) => {
    it(`b=${b}, c=${c}: exact and chi-square with continuity correction equal statsmodels to 1e-9`, () => {
      const expected = reference!.mcnemar[index]!;
      const exact = mcnemar(b, c, { exact: true });
      expect(exact.statistic).toBe(expected.exact[0]);
      expect(Math.abs(exact.pValue - expected.exact[1])).toBeLessThan(1e-9);
      const chi2 = mcnemar(b, c, { exact: false });
      expect(Math.abs(chi2.statistic - expected.chi2[0])).toBeLessThan(1e-9 * Math.max(1, expected.chi2[0]));
      expect(Math.abs(chi2.pValue - expected.chi2[1])).toBeLessThan(1e-9);
    });
  });

  it('Holm-adjusted p-values equal multipletests(method="holm") to 1e-12', () => {
    holmCases().forEach((ps, index) => {
      const ours = holmAdjust(ps);
      ours.forEach((p, i) => expect(Math.abs(p - reference!.holm[index]![i]!)).toBeLessThan(1e-12));
    });
  });
});

function holmCases(): number[][] {
  return [[0.01], [0.01, 0.04, 0.03], [0.2, 0.001, 0.049, 0.5, 0.012], [0.5, 0.5, 0.5], [0.9, 0.0001, 0.6, 0.03, 0.02, 0.04]];
}

describe('McNemar without the reference', () => {
  it('gives p = 1 when the models never disagree, in both forms', () => {
    expect(mcnemar(0, 0, { exact: true }).pValue).toBe(1);
    expect(mcnemar(0, 0, { exact: false }).pValue).toBe(1);
  });

  it('counts the discordant pairs row by row', () => {
    expect(discordantPairs([1, 0, 1, 1, 0], [1, 0, 0, 1, 1], [1, 1, 1, 0, 1])).toEqual({ b: 2, c: 1 });
  });
});
