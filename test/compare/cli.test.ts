import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../helpers/run-cli.js';

async function dir(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'modelci-compare-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
  return root;
}

async function compare(root: string, argv: string[]) {
  const run = await runCliCaptured(['compare', ...argv, '--format', 'json'], { cwd: root });
  return { ...run, json: run.stdout ? (JSON.parse(run.stdout) as Record<string, unknown>) : {} };
}

const POLICY = 'paired: allow-unpaired\nmetrics:\n  roc_auc: {min: 0.7, min-improvement: 0}\n  log_loss: {max-regression: 5%}\n';

describe('modelci compare on files', () => {
  it('exits 0 with promote, and 1 with reject and the reasons', async () => {
    const root = await dir({ 'champ.json': '{"roc_auc": 0.80, "log_loss": 0.40}', 'good.json': '{"roc_auc": 0.82, "log_loss": 0.41}', 'bad.json': '{"roc_auc": 0.79, "log_loss": 0.41}', 'policy.yaml': POLICY });
    const good = await compare(root, ['--challenger', 'good.json', '--champion', 'champ.json', '--policy', 'policy.yaml']);
    expect(good.code).toBe(0);
    expect(good.json).toMatchObject({ status: 'passed', decision: 'promote', paired: false, champion: { name: 'champ.json', version: null } });
    const bad = await compare(root, ['--challenger', 'bad.json', '--champion', 'champ.json', '--policy', 'policy.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.json.decision).toBe('reject');
    expect((bad.json.reasons as string[]).join()).toMatch(/roc_auc: min-improvement 0 failed/);
  });

  it('reads the champion and challenger from one `dvc metrics diff --json`', async () => {
    const diff = JSON.stringify({ 'metrics.json': { roc_auc: { old: 0.8, new: 0.83, diff: 0.03 }, log_loss: { old: 0.4, new: 0.39, diff: -0.01 } } });
    const root = await dir({ 'diff.json': diff, 'policy.yaml': POLICY });
    const run = await compare(root, ['--challenger', 'diff.json', '--champion', 'diff.json', '--policy', 'policy.yaml']);
    expect(run.code).toBe(0);
    const metrics = run.json.metrics as { name: string; champion: number; challenger: number }[];
    expect(metrics.map((m) => [m.name, m.champion, m.challenger])).toEqual([['roc_auc', 0.8, 0.83], ['log_loss', 0.4, 0.39]]);
  });

  it('takes the policy from the compare: section of modelci.yaml', async () => {
    const root = await dir({ 'modelci.yaml': `version: 1\ncompare:\n  champion: champ.json\n  challenger: chal.json\n${POLICY.replace(/^/gm, '  ')}`, 'champ.json': '{"roc_auc": 0.80, "log_loss": 0.40}', 'chal.json': '{"roc_auc": 0.81, "log_loss": 0.40}' });
    const run = await compare(root, []);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.json.policy).toMatchObject({ paired: 'allow-unpaired', firstModel: 'reject' });
  });

  it('exits 2 naming file, line and key for a bad policy', async () => {
    const root = await dir({ 'c.json': '{"roc_auc": 0.8, "r2": 0}', 'unknown.yaml': 'metrics:\n  roc_auc: {min: 0.5}\n  top5: {min: 0.5}\n', 'typo.yaml': 'metrics:\n  roc_auc:\n    min_improvement: 0\n', 'pct.yaml': 'metrics:\n  roc_auc: {max-regression: five}\n', 'zero.yaml': 'paired: allow-unpaired\nmetrics:\n  r2:\n    min-improvement: 5%\n' });
    const unknown = await compare(root, ['--challenger', 'c.json', '--champion', 'c.json', '--policy', 'unknown.yaml']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown\.yaml:3:3: .*unknown metric 'top5'/);
    const typo = await compare(root, ['--challenger', 'c.json', '--champion', 'c.json', '--policy', 'typo.yaml']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/typo\.yaml:3:5: .*unknown key 'min_improvement'/);
    const pct = await compare(root, ['--challenger', 'c.json', '--champion', 'c.json', '--policy', 'pct.yaml']);
    expect(pct.code).toBe(2);
    expect(pct.stderr).toMatch(/pct\.yaml:2:.*max-regression.*percentage/);
    const zero = await compare(root, ['--challenger', 'c.json', '--champion', 'c.json', '--policy', 'zero.yaml']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/zero\.yaml:4:5: .*metrics\.r2\.min-improvement.*away from zero/);
  });

  it('exits 2 without a policy, with the policy given twice, and for files that are not metrics', async () => {
    const root = await dir({ 'c.json': '{"roc_auc": 0.8}', 'p.yaml': POLICY, 'modelci.yaml': `compare:\n${POLICY.replace(/^/gm, '  ')}`, 'empty.json': '', 'list.json': '[1, 2]', 'broken.json': '{"roc_auc": 0.8,\n  "x": }', 'train.json': '{"schemaVersion": 1, "step": "train", "status": "passed"}' });
    const bare = await dir({ 'c.json': '{"roc_auc": 0.8}' });
    expect((await compare(bare, ['--challenger', 'c.json', '--champion', 'c.json'])).stderr).toMatch(/no policy/);
    const twice = await compare(root, ['--challenger', 'c.json', '--champion', 'c.json', '--policy', 'p.yaml']);
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringMatching(/policy is given twice/)]);
    for (const [file, message] of [['empty.json', /empty\.json is empty/], ['list.json', /must hold a JSON object/], ['broken.json', /broken\.json(:2:\d+)?: invalid JSON/], ['train.json', /train\.json:1:\d+: .*evidence of "train", not of evaluate/], ['missing.json', /missing\.json does not exist/]] as const) {
      const run = await compare(root, ['--challenger', file, '--champion', 'c.json']);
      expect(run.code, file).toBe(2);
      expect(run.stderr, file).toMatch(message);
    }
  });

  it('with --champion none rejects unless the policy allows a first model', async () => {
    const root = await dir({ 'c.json': '{"roc_auc": 0.8}', 'reject.yaml': 'metrics:\n  roc_auc: {min: 0.7, min-improvement: 0}\n', 'allow.yaml': 'first-model: allow\nmetrics:\n  roc_auc: {min: 0.7, min-improvement: 0}\n' });
    const rejected = await compare(root, ['--challenger', 'c.json', '--champion', 'none', '--policy', 'reject.yaml']);
    expect([rejected.code, rejected.json.decision, rejected.json.champion]).toEqual([1, 'reject', null]);
    const allowed = await compare(root, ['--challenger', 'c.json', '--champion', 'none', '--policy', 'allow.yaml']);
    expect([allowed.code, allowed.json.decision]).toEqual([0, 'promote']);
  });
});
