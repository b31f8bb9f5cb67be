import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIXTURE_STEPS } from '../helpers/fixture-steps.js';
import { runCliCaptured } from '../helpers/run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelci-cli-'));
  await writeFile(join(dir, 'in.txt'), 'hello');
});

const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCliCaptured(argv, { cwd: dir, env, steps: FIXTURE_STEPS });

describe('modelci CLI', () => {
  it('prints help generated from the schemas', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('copy');
    expect(main.stdout).toMatch(/^ {2}run +Runs the steps listed under 'pipeline:'/m);
    const run = await cli(['run', '--help']);
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('Usage: modelci run')]);
    expect(main.stdout).toContain('Exit codes: 0 passed, 1 the step said no, 2 bad usage/config/input, 3 environment failure.');
    const step = await cli(['copy', '--help']);
    expect(step.stdout).toContain('--source <value>');
    expect(step.stdout).toContain('File to read. (required)');
    expect(step.stdout).toContain('--mode <pass|fail|env-error>');
    expect(step.stdout).toContain('(default: 1)');
  });

  it('prints its version before a command, and leaves --version after one to the command', async () => {
    const version = await cli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const asInput = await cli(['copy', '--version', '3']);
    expect(asInput.code).toBe(2);
    expect(asInput.stderr).toContain("unknown flag --version for 'copy'");
  });

  it('runs a step, writes evidence with digests and prints one JSON document', async () => {
    const run = await cli(['copy', '--source', 'in.txt', '--times=2', '--tags', 'a', '--tags', 'b', '--format', 'json']);
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({ status: 'passed', characters: 5, times: 2, tags: ['a', 'b'] });
    const evidence = JSON.parse(await readFile(document.evidence, 'utf8'));
    expect(evidence).toMatchObject({ schemaVersion: 1, step: 'copy', status: 'passed', platform: 'local', parameters: { source: 'in.txt', times: 2 } });
    expect(evidence.inputs).toEqual([{ path: 'in.txt', sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824', bytes: 5 }]);
    expect(evidence.outputs[0]).toMatchObject({ path: '.modelci/copy.txt', bytes: 10 });
    expect(evidence.result).toEqual({ characters: 5, times: 2, tags: ['a', 'b'] });
    expect(await readFile(join(dir, '.modelci', 'summary.md'), 'utf8')).toContain('modelci copy');
  });

  it('exits 1 when the step says no, and records it', async () => {
    const run = await cli(['copy', '--source', 'in.txt', '--mode', 'fail']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('copy failed: told to fail');
    const evidence = JSON.parse(await readFile(join(dir, '.modelci/evidence/copy.json'), 'utf8'));
    expect(evidence.status).toBe('failed');
  });

  it('exits 3 on environment failures with the hint, and writes no evidence', async () => {
    const run = await cli(['copy', '--source', 'in.txt', '--mode', 'env-error', '--format', 'json']);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { code: 'registry-unreachable', hint: 'Is it up?' } });
    expect(existsSync(join(dir, '.modelci/evidence'))).toBe(false);
  });

  it.each([
    { name: 'an unknown flag', argv: ['copy', '--sorce', 'in.txt'], text: "unknown flag --sorce for 'copy'", hint: "did you mean 'source'?" },
    { name: 'a missing required input', argv: ['copy'], text: 'missing required input --source' },
    { name: 'a non-number', argv: ['copy', '--source', 'in.txt', '--times', 'x'], text: '--times must be an integer' },
    { name: 'a fraction for an integer', argv: ['copy', '--source', 'in.txt', '--times', '1.5'], text: '--times' },
    { name: 'a bad enum', argv: ['copy', '--source', 'in.txt', '--mode', 'maybe'], text: '--mode' },
    { name: 'an unknown command', argv: ['cpy'], text: "unknown command 'cpy'", hint: "did you mean 'copy'?" },
    { name: 'a stray argument', argv: ['copy', 'in.txt'], text: "unexpected argument 'in.txt'" },
    { name: 'a bad format', argv: ['copy', '--source', 'in.txt', '--format', 'xml'], text: '--format must be text or json' },
    { name: 'an unreadable input', argv: ['copy', '--source', 'nope.txt'], text: 'nope.txt: cannot read nope.txt' },
  ])('exits 2 on $name with a message', async ({ argv, text, hint }) => {
    const run = await cli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(text);
    if (hint) expect(run.stderr).toContain(hint);
  });

  it('prints an error document on stdout in JSON mode for usage errors', async () => {
    const run = await cli(['copy', '--format', 'json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { kind: 'usage', code: 'input-missing' } });
  });

  it('takes flags over MODELCI_INPUT_* over modelci.yaml over defaults', async () => {
    await writeFile(join(dir, 'modelci.yaml'), 'copy:\n  source: in.txt\n  times: 3\n  shout: false\n  tags: [from-config]\n');
    const fromConfig = JSON.parse((await cli(['copy', '--format', 'json'])).stdout);
    expect(fromConfig).toMatchObject({ times: 3, tags: ['from-config'] });
    expect(await readFile(join(dir, '.modelci/copy.txt'), 'utf8')).toBe('hellohellohello');
    const fromEnv = JSON.parse((await cli(['copy', '--format', 'json'], { MODELCI_INPUT_TIMES: '4', MODELCI_INPUT_TAGS: '["e1","e2"]' })).stdout);
    expect(fromEnv).toMatchObject({ times: 4, tags: ['e1', 'e2'] });
    const fromFlag = JSON.parse((await cli(['copy', '--times', '5', '--format', 'json'], { MODELCI_INPUT_TIMES: '4' })).stdout);
    expect(fromFlag.times).toBe(5);
  });

  it('points at the config line when a config value fails validation', async () => {
    await writeFile(join(dir, 'modelci.yaml'), 'copy:\n  source: in.txt\n  times: -2\n');
    const run = await cli(['copy']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/modelci\.yaml:3:10: 'times' in the config/);
  });

  it('runs the pipeline in order and stops at the first failure', async () => {
    await writeFile(join(dir, 'modelci.yaml'), 'pipeline: [note, copy, note]\ncopy:\n  source: in.txt\n  mode: fail\n');
    const run = await cli(['run', '--format', 'json']);
    expect(run.code).toBe(1);
    const document = JSON.parse(run.stdout);
    expect(document.status).toBe('failed');
    expect(document.steps.map((step: { step: string; status: string }) => `${step.step}:${step.status}`)).toEqual(['note:passed', 'copy:failed']);
    expect(document.notRun).toEqual(['note']);
  });

  it('checks every pipeline step\'s inputs before running any', async () => {
    await writeFile(join(dir, 'modelci.yaml'), 'pipeline: [note, copy]\n');
    const run = await cli(['run']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'copy.source'");
    expect(existsSync(join(dir, '.modelci'))).toBe(false);
  });

  it('resolves paths against the config file\'s folder', async () => {
    const project = join(dir, 'project');
    await import('node:fs/promises').then((fs) => fs.mkdir(project));
    await writeFile(join(project, 'words.txt'), 'abc');
    await writeFile(join(project, 'modelci.yaml'), 'copy:\n  source: words.txt\n');
    const run = await cli(['copy', '--config', 'project/modelci.yaml', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(await readdir(join(project, '.modelci'))).toContain('copy.txt');
  });

  it('redacts secret inputs in local logs and evidence', async () => {
    const run = await cli(['copy', '--source', 'in.txt', '--token', 's3cr3t-token-value']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('using token ***');
    expect(run.stderr).not.toContain('s3cr3t-token-value');
    const evidence = await readFile(join(dir, '.modelci/evidence/copy.json'), 'utf8');
    expect(evidence).not.toContain('s3cr3t-token-value');
  });
});
