import { cp, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/python.js';
import { spawnSync } from 'node:child_process';

// Distinct values planted in every secret-bearing input of a full pipeline run.
const PLANTED = {
  envToken: 'planted-env-token-3f9a',
  envKey: 'planted-env-key-7c21',
  urlPassword: 'planted-url-pass-91be',
  registryPassword: 'planted-registry-pass-44d0',
  registryToken: 'planted-registry-token-c6e8',
};

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile() && (await stat(path)).size < 64 * 1024 * 1024) yield path;
  }
}

describe('secrets never recorded', () => {
  it('a full pipeline writes no planted secret into any file, output, summary or log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelci-secrets-'));
    await cp(join(repoRoot, 'examples', 'churn'), dir, { recursive: true, filter: (source) => !source.includes('.modelci') });
    const githubOutput = join(dir, 'github-output');
    const githubSummary = join(dir, 'github-summary');
    await writeFile(githubOutput, '');
    await writeFile(githubSummary, '');
    // The built CLI in its own process, as on a runner: @actions/core reads the process environment.
    const spawned = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'bin', 'modelci.js'),
        'run',
        '--env', `MY_TOKEN=${PLANTED.envToken}`,
        '--env', `MY_KEY=${PLANTED.envKey}`,
        '--env', `FEATURE_STORE_URL=https://reader:${PLANTED.urlPassword}@store.example/v1`,
        '--password', PLANTED.registryPassword,
        '--token', PLANTED.registryToken,
        '--format', 'json',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 300_000, env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', MODELCI_PLATFORM: 'github', GITHUB_OUTPUT: githubOutput, GITHUB_STEP_SUMMARY: githubSummary, HOME: dir } },
    );
    const run = { code: spawned.status, stdout: spawned.stdout, stderr: spawned.stderr };
    expect(run.code, run.stderr).toBe(0);
    // ::add-mask:: is how GitHub learns a secret; the runner never shows that line.
    const logs = `${run.stdout}\n${run.stderr}`.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(PLANTED)) {
      if (logs.some((line) => line.includes(secret))) leaks.push(`${name} in the log`);
      for await (const file of filesUnder(dir)) {
        if ((await readFile(file)).includes(secret)) leaks.push(`${name} in ${file.slice(dir.length + 1)}`);
      }
    }
    expect(leaks).toEqual([]);
    const evidence = JSON.parse(await readFile(join(dir, '.modelci', 'evidence', 'train.json'), 'utf8'));
    expect(evidence.parameters.env).toEqual(['MY_TOKEN=***', 'MY_KEY=***', 'FEATURE_STORE_URL=https://reader:***@store.example/v1']);
    expect(`${run.stdout}${run.stderr}`).toContain('::add-mask::planted-env-token-3f9a');
  });
});
