import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { actionArgv } from '../../shared/action.js';
import { detectPlatform } from '../../shared/platform/create-platform.js';
import { dotenvName } from '../../shared/platform/gitlab.js';
import { FIXTURE_STEPS } from '../helpers/fixture-steps.js';
import { runCliCaptured } from '../helpers/run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelci-platform-'));
  await writeFile(join(dir, 'in.txt'), 'hello');
});

describe('platform detection', () => {
  it.each([
    { env: { GITHUB_ACTIONS: 'true' }, expected: 'github' },
    { env: { GITLAB_CI: 'true' }, expected: 'gitlab' },
    { env: {}, expected: 'local' },
  ])('detects $expected', ({ env, expected }) => {
    expect(detectPlatform(env)).toBe(expected);
  });
});

describe('GitHub action inputs', () => {
  it('turns INPUT_* variables into flags, lists one per line, empty inputs dropped', async () => {
    expect(await actionArgv({ 'INPUT_OUT-DIR': 'ci-out', INPUT_COMMAND: 'python3 train.py', INPUT_TIMEOUT: '', 'INPUT_METRICS-FILES': 'a.json\nb.yaml\n' }, 'train')).toEqual(
      ['train', '--out-dir', 'ci-out', '--command=python3 train.py', '--metrics-files', 'a.json', '--metrics-files', 'b.yaml'],
    );
    expect(await actionArgv({ INPUT_STEP: 'pipeline', INPUT_CONFIG: 'ml/modelci.yaml' })).toEqual(['run', '--config', 'ml/modelci.yaml']);
    expect(await actionArgv({ INPUT_STEP: 'pipeline', INPUT_MIN: 'roc_auc=0.9', INPUT_THRESHOLD: '' })).toEqual(['run', '--min', 'roc_auc=0.9']);
  });
});

describe('GitHub platform', () => {
  it('writes outputs and the step summary to the runner files, annotates errors and masks secrets', async () => {
    const outputFile = join(dir, 'github_output');
    const summaryFile = join(dir, 'step_summary');
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    vi.stubEnv('GITHUB_OUTPUT', outputFile);
    vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const env = { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_REPOSITORY: 'acme/churn', GITHUB_RUN_ID: '42', GITHUB_SHA: 'abc123' };
      const ok = await runCliCaptured(['copy', '--source', 'in.txt', '--token', 'ghp_supersecret'], { cwd: dir, env, steps: FIXTURE_STEPS });
      expect(ok.code).toBe(0);
      const missing = await runCliCaptured(['copy', '--source', 'missing.txt'], { cwd: dir, env, steps: FIXTURE_STEPS });
      expect(missing.code).toBe(2);
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const log = lines.join('');
    expect(log).toContain('::add-mask::ghp_supersecret');
    expect(log).toMatch(/::error file=missing\.txt::cannot read missing\.txt/);
    const outputs = await readFile(outputFile, 'utf8');
    expect(outputs).toContain('target-path<<');
    expect(outputs).toMatch(/status<<[^\n]+\npassed\n/);
    expect(outputs).toMatch(/evidence<<[^\n]+\n\.modelci\/evidence\/copy\.json\n/);
    expect(await readFile(summaryFile, 'utf8')).toContain('### ✅ modelci copy');
    const evidence = JSON.parse(await readFile(join(dir, '.modelci/evidence/copy.json'), 'utf8'));
    expect(evidence.run).toMatchObject({ url: 'https://github.com/acme/churn/actions/runs/42', sha: 'abc123' });
    expect(evidence.git.sha).toBe('abc123');
  });
});

describe('GitLab platform', () => {
  it('writes outputs to a dotenv report, folds groups into sections and redacts secrets', async () => {
    const env = { GITLAB_CI: 'true', CI_JOB_URL: 'https://gitlab.example/acme/churn/-/jobs/7', CI_COMMIT_SHA: 'def456' };
    const run = await runCliCaptured(['copy', '--source', 'in.txt', '--token', 'glpat-secret-value'], { cwd: dir, env, steps: FIXTURE_STEPS });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('glpat-secret-value');
    const dotenv = await readFile(join(dir, '.modelci/modelci.env'), 'utf8');
    expect(dotenv).toContain('MODELCI_COPY_STATUS=passed\n');
    expect(dotenv).toContain('MODELCI_COPY_EVIDENCE=.modelci/evidence/copy.json\n');
    const evidence = JSON.parse(await readFile(join(dir, '.modelci/evidence/copy.json'), 'utf8'));
    expect(evidence).toMatchObject({ platform: 'gitlab', run: { url: 'https://gitlab.example/acme/churn/-/jobs/7' } });
  });

  it('makes dotenv-safe names', () => {
    expect(dotenvName('MODELCI_push model_', 'model-digest')).toBe('MODELCI_PUSH_MODEL_MODEL_DIGEST');
  });
});
