import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

interface Picked {
  decision: string;
  reasons: string[];
  challenger: { source: string };
  candidates: { source: string; metric: string; value: number | null; eligible: boolean; picked: boolean; reason: string | null }[];
}

/** Scores of 40 rows: `strength` moves positives' scores up, so a larger strength ranks better. */
function predictions(strength: number): string {
  const lines = ['id,label,score'];
  for (let i = 0; i < 40; i++) {
    const label = i % 2;
    const base = ((i * 37) % 40) / 40;
    lines.push(`${i},${label},${Math.min(1, Math.max(0, base * (1 - strength) + (label ? strength : 0))).toFixed(4)}`);
  }
  return `${lines.join('\n')}\n`;
}

let root: string;
const legs: Record<string, number> = { 'train-a': 0.1, 'train-b': 0.45, 'train-c': 0.3, 'train-d': 0.45 };

/** One leg's artifact: the evidence of a real evaluate run on its predictions. */
async function leg(name: string, strength: number, into: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-leg-'));
  await writeFile(join(dir, 'predictions.csv'), predictions(strength));
  const run = await runCliCaptured(['evaluate', '--predictions', 'predictions.csv', '--task', 'binary', '--label', 'label', '--score', 'score', '--id', 'id', '--format', 'json'], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  await cp(join(dir, '.modelci', 'evidence'), join(into, name, 'evidence'), { recursive: true });
}

async function compare(argv: string[]) {
  const run = await runCliCaptured(['compare', ...argv, '--format', 'json'], { cwd: root });
  return { ...run, json: (run.stdout ? JSON.parse(run.stdout) : {}) as Picked };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelci-candidates-'));
  for (const [name, strength] of Object.entries(legs)) await leg(name, strength, join(root, 'legs'));
  await mkdir(join(root, 'empty'));
  await writeFile(join(root, 'champ.json'), '{"roc_auc": 0.6, "log_loss": 0.9}');
  await writeFile(join(root, 'policy.yaml'), 'paired: allow-unpaired\nmetrics:\n  roc_auc: {min: 0.5, max-regression: 0.01}\n');
  await writeFile(join(root, 'strict.yaml'), 'paired: allow-unpaired\nmetrics:\n  roc_auc: {min: 0.999}\n');
  await writeFile(join(root, 'loss.yaml'), 'paired: allow-unpaired\nmetrics:\n  log_loss: {max: 5}\n  roc_auc: {min: 0.5}\n');
});

describe('compare --candidates: the best of several matrix legs', () => {
  it('picks the best leg on the first metric, the first by name on a tie, and compares it with the champion', async () => {
    const run = await compare(['--candidates', 'legs', '--champion', 'champ.json', '--policy', 'policy.yaml']);
    expect(run.code, run.stderr).toBe(0);
    const values = Object.fromEntries(run.json.candidates.map((row) => [row.source.split('/')[1], row.value]));
    expect(values['train-b']).toBe(values['train-d']);
    expect(values['train-b']!).toBeGreaterThan(values['train-c']!);
    expect(values['train-c']!).toBeGreaterThan(values['train-a']!);
    expect(run.json.challenger.source).toBe('legs/train-b/evidence/evaluate.json');
    expect(run.json.candidates.map((row) => [row.source, row.metric, row.picked, row.eligible])).toEqual([
      ['legs/train-a/evidence/evaluate.json', 'roc_auc', false, true],
      ['legs/train-b/evidence/evaluate.json', 'roc_auc', true, true],
      ['legs/train-c/evidence/evaluate.json', 'roc_auc', false, true],
      ['legs/train-d/evidence/evaluate.json', 'roc_auc', false, true],
    ]);
    expect(run.json.decision).toBe('promote');
    expect(run.stdout).not.toContain('"markdown"');
  });

  it('ranks by a lower-is-better first metric, and passes over legs that break a bound', async () => {
    const run = await compare(['--candidates', 'legs', '--champion', 'none', '--policy', 'loss.yaml']);
    const eligible = run.json.candidates.filter((row) => row.eligible);
    const best = eligible.reduce((a, b) => (b.value! < a.value! ? b : a));
    expect(run.json.challenger.source).toBe(best.source);
    expect(run.json.candidates.every((row) => row.metric === 'log_loss')).toBe(true);
  });

  it('with no leg inside the bounds, still compares the best one, which is rejected, and says why each was passed over', async () => {
    const run = await compare(['--candidates', 'legs', '--champion', 'champ.json', '--policy', 'strict.yaml']);
    expect(run.code).toBe(1);
    expect(run.json.decision).toBe('reject');
    expect(run.json.challenger.source).toBe('legs/train-b/evidence/evaluate.json');
    expect(run.json.candidates.every((row) => !row.eligible && /roc_auc .* is below the minimum 0\.999/.test(row.reason ?? ''))).toBe(true);
  });

  it('exits 2 for --challenger with --candidates, an empty folder, a missing one, and a leg without evaluate evidence', async () => {
    const both = await compare(['--candidates', 'legs', '--challenger', 'champ.json', '--champion', 'none', '--policy', 'policy.yaml']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringMatching(/--challenger and --candidates cannot both be given/)]);
    const empty = await compare(['--candidates', 'empty', '--champion', 'none', '--policy', 'policy.yaml']);
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringMatching(/empty holds no leg folders/)]);
    const missing = await compare(['--candidates', 'nowhere', '--champion', 'none', '--policy', 'policy.yaml']);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/the candidates folder nowhere does not exist/)]);
    const file = await compare(['--candidates', 'champ.json', '--champion', 'none', '--policy', 'policy.yaml']);
    expect([file.code, file.stderr]).toEqual([2, expect.stringMatching(/the candidates folder champ\.json is a file, not a folder/)]);
    await mkdir(join(root, 'legs-bad', 'train-x'), { recursive: true });
    await cp(join(root, 'legs', 'train-a'), join(root, 'legs-bad', 'train-a'), { recursive: true });
    const bad = await compare(['--candidates', 'legs-bad', '--champion', 'none', '--policy', 'policy.yaml']);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/legs-bad\/train-x holds no evaluate evidence/)]);
  });

  it('shows the legs in the markdown, the picked one marked, and records them in the evidence', async () => {
    const run = await runCliCaptured(['compare', '--candidates', 'legs', '--champion', 'champ.json', '--policy', 'policy.yaml'], { cwd: root });
    expect(run.code, run.stderr).toBe(0);
    const summary = await readFile(join(root, '.modelci', 'summary.md'), 'utf8');
    expect(summary).toContain('| leg | roc_auc | picked | eligible |');
    expect(summary).toMatch(/\| legs\/train-b\/evidence\/evaluate\.json \| [0-9.]+ \| \*\*picked\*\* \| yes \|/);
    const evidence = JSON.parse(await readFile(join(root, '.modelci', 'evidence', 'compare.json'), 'utf8')) as { result: { candidates: unknown[] }; inputs: { path: string }[] };
    expect(evidence.result.candidates).toHaveLength(4);
    expect(evidence.inputs.map((input) => input.path)).toEqual(expect.arrayContaining(['legs/train-a/evidence/evaluate.json', 'legs/train-d/evidence/evaluate.json']));
  });
});
