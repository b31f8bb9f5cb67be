import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../../shared/compare/decide.js';
import { normalizePolicy } from '../../shared/compare/policy.js';
import type { Side } from '../../shared/compare/sides.js';
import { changeStatistics } from '../../shared/compare/statistics.js';
import { seededRandom } from '../helpers/seeded-random.js';

const SIMULATIONS = 500;
const ROWS = 300;
const policy = normalizePolicy({ resamples: 200, metrics: { roc_auc: { 'min-improvement': 0, significance: true } } });

/** A file of per-row predictions on fixed rows; the score is the label shifted by `skill`, plus the model's own noise. */
function model(labels: Uint8Array, skill: number, random: () => number): string {
  const lines = ['id,label,score'];
  labels.forEach((label, i) => lines.push(`r${i},${label},${(skill * label + random()).toFixed(5)}`));
  return `${lines.join('\n')}\n`;
}

function side(file: string, metrics: Map<string, number | null>): Side {
  return { kind: 'evaluate-evidence', source: file, digest: 'sha256:x', metrics, evaluateStatus: 'passed', rowsDigest: 'sha256:same-rows', scoring: { file, spec: { task: 'binary', label: 'label', score: 'score', id: 'id', probaColumns: [], slice: [] }, options: { threshold: 0.5, bins: 10 } } };
}

/** The share of simulations compare promotes, with the real statistics and decision. */
async function promoteRate(challengerSkill: number, seed: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-null-'));
  const random = seededRandom(seed);
  let promoted = 0;
  for (let simulation = 0; simulation < SIMULATIONS; simulation++) {
    const labels = Uint8Array.from({ length: ROWS }, () => (random() < 0.4 ? 1 : 0));
    const champion = join(dir, `champion-${simulation}.csv`);
    const challenger = join(dir, `challenger-${simulation}.csv`);
    await writeFile(champion, model(labels, 0.5, random));
    await writeFile(challenger, model(labels, challengerSkill, random));
    // The point values do not matter under significance: the interval and the test decide.
    const values = new Map([['roc_auc', 0.8]]);
    const { statistics } = await changeStatistics(policy, side(challenger, values), side(champion, values), dir, () => {});
    if (decide(policy, side(challenger, values), side(champion, values), statistics).decision === 'promote') promoted++;
  }
  return promoted / SIMULATIONS;
}

describe('compare under simulation (500 seeded pairs of models on the same rows)', () => {
  it('promotes two models of identical quality at most at alpha plus simulation error', async () => {
    const rate = await promoteRate(0.5, 11);
    const error = 2 * Math.sqrt((0.05 * 0.95) / SIMULATIONS);
    expect(rate).toBeLessThanOrEqual(0.05 + error);
  }, 600_000);

  it('promotes a clearly better model almost always', async () => {
    // skill 0.5 -> 0.8 moves the AUC by about 0.12 at 300 rows: DeLong's power there is above 0.95.
    const power = await promoteRate(0.8, 12);
    expect(power).toBeGreaterThan(0.9);
  }, 600_000);
});
