import { readFileSync, writeFileSync } from 'node:fs';
import { readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File } from '../../shared/files/digest.js';
import { trainStep } from '../../shared/steps/train.js';
import { FakeArtifactStore, FakePlatform, git, gitInit, makeContext, runTrain, runTrainStep, tempDir, trainProject, writeFiles } from './helpers.js';

let dir: { path: string; cleanup(): Promise<void> };
let counterDir: { path: string; cleanup(): Promise<void> };
let counter: string;

beforeEach(async () => {
  dir = await tempDir();
  counterDir = await tempDir('modelci-counter-');
  counter = join(counterDir.path, 'runs.log');
  await trainProject(dir.path);
});

afterEach(async () => {
  await dir.cleanup();
  await counterDir.cleanup();
});

async function runs(): Promise<number> {
  const text = await readFile(counter, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

const baseInputs = {
  command: 'python3 train.py',
  params: 'params.json',
  metricsFiles: ['metrics.json'],
  outputs: ['out/model.json'],
  deps: ['data'],
};

function context(options: Parameters<typeof makeContext>[1] = {}) {
  return makeContext(dir.path, { ...options, env: { COUNTER: counter, ...options.env } });
}

describe('train: running the command', () => {
  it('runs a real python script and records params, metrics, digests, code and runtime', async () => {
    const { ctx, platform } = context();
    const result = await runTrain(baseInputs, ctx);

    expect(result.status).toBe('passed');
    expect(result.data.exitCode).toBe(0);
    expect(result.data.cacheHit).toBe(false);
    expect(result.data.params).toEqual({ lr: 0.1, 'model.depth': 3 });
    expect(result.data.metrics).toEqual({ accuracy: 0.6, 'test.roc_auc': 0.9, 'test.log_loss': null });
    const model = join(dir.path, 'out/model.json');
    expect(result.data.outputs).toEqual([{ path: 'out/model.json', kind: 'file', sha256: await sha256File(model), bytes: (await readFile(model)).length }]);
    expect(result.data.data).toEqual([expect.objectContaining({ path: 'data', kind: 'directory', fileCount: 1 })]);
    expect(result.data.code).toEqual(expect.objectContaining({ git: false, gitSha: null }));
    expect(result.data.runtime.node).toBe(process.version);
    expect(result.data.runtime.python).toMatch(/^3\.\d+/);
    expect(result.data.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.data.cacheKey).toMatch(/^[0-9a-f]{64}$/);
    expect(await runs()).toBe(1);

    expect(result.outputs).toEqual(
      expect.objectContaining({ 'cache-hit': 'false', 'exit-code': '0', 'model-path': 'out/model.json', 'model-sha256': await sha256File(model), metrics: JSON.stringify(result.data.metrics) }),
    );
    expect(result.files?.inputs).toEqual([join(dir.path, 'params.json'), join(dir.path, 'data')]);
    expect(result.files?.outputs).toEqual(expect.arrayContaining([model, join(dir.path, 'metrics.json')]));
    expect(result.markdown).toContain('| accuracy | 0.6 |');
    expect(result.markdown).toContain('out/model.json');
    expect(platform.messages('warning').join('\n')).toContain('not in a git repository');
  });

  it('streams stdout and stderr lines to the platform, inside a log group named after the command', async () => {
    const { ctx, platform } = context();
    await runTrain(baseInputs, ctx);
    const kinds = platform.log.map((e) => `${e.kind}:${e.message}`);
    const start = kinds.indexOf('group-start:train: python3 train.py');
    const end = kinds.indexOf('group-end:train: python3 train.py');
    expect(start).toBeGreaterThanOrEqual(0);
    const inside = kinds.slice(start + 1, end);
    expect(inside).toEqual(expect.arrayContaining(['info:training on 3 rows', 'info:epoch 1 loss 0.7', 'info:done']));
    expect(inside.indexOf('info:training on 3 rows')).toBeLessThan(inside.indexOf('info:done'));
  });

  it('streams lines while the command is still running', async () => {
    // The command waits for a file that the test writes only after it has seen the first line.
    const go = join(dir.path, 'go');
    const platform = new FakePlatform();
    const info = platform.info.bind(platform);
    platform.info = (message: string) => {
      info(message);
      if (message === 'waiting for go') writeFileSync(go, '');
    };
    const result = await runTrain({ command: 'echo "waiting for go"; while [ ! -f go ]; do sleep 0.05; done; echo "went"' }, context({ platform }).ctx);
    expect(result.status).toBe('passed');
    expect(platform.messages('info')).toEqual(expect.arrayContaining(['waiting for go', 'went']));
  });

  it('stops the command when the run is cancelled', async () => {
    const controller = new AbortController();
    const platform = new FakePlatform();
    const info = platform.info.bind(platform);
    platform.info = (message: string) => {
      info(message);
      if (message === 'started') controller.abort();
    };
    const result = await runTrain({ command: 'sleep 30 & echo $! > sleep.pid; echo started; wait' }, context({ platform, signal: controller.signal }).ctx);
    expect(result.status).toBe('failed');
    expect(result.data.error).toContain('cancelled');
    const pid = Number((await readFile(join(dir.path, 'sleep.pid'), 'utf8')).trim());
    await waitUntilGone(pid);
    expect(isRunning(pid)).toBe(false);
  });

  it('fails with the exit code and an error annotation when the command fails', async () => {
    const { ctx, platform } = context();
    const result = await runTrain({ command: 'echo preparing; echo "bad things" >&2; exit 3' }, ctx);
    expect(result.status).toBe('failed');
    expect(result.data.exitCode).toBe(3);
    expect(result.outputs?.['exit-code']).toBe('3');
    const errors = platform.messages('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('failed with exit code 3');
    expect(errors[0]).toContain('bad things');
    expect(result.summary).toContain('exit code 3');
  });

  it('runs bash with pipefail, so a failing stage of a pipe fails the step', async () => {
    const { ctx } = context();
    expect((await runTrain({ command: 'false | cat' }, ctx)).data.exitCode).toBe(1);
    expect((await runTrain({ command: 'false | cat', shell: 'sh' }, ctx)).status).toBe('passed');
  });

  it('stops a command that times out, with its whole process group, and fails with "timed out after N s"', async () => {
    const { ctx, platform } = context();
    const result = await runTrain({ command: 'echo $$ > shell.pid; sleep 30 & echo $! > sleep.pid; wait', timeout: 1 }, ctx);
    expect(result.status).toBe('failed');
    expect(result.data.timedOut).toBe(true);
    expect(result.data.exitCode).toBeNull();
    expect(result.data.error).toContain('timed out after 1 s');
    expect(platform.messages('error')[0]).toContain('timed out after 1 s');
    for (const file of ['shell.pid', 'sleep.pid']) {
      const pid = Number((await readFile(join(dir.path, file), 'utf8')).trim());
      await waitUntilGone(pid);
      expect(isRunning(pid)).toBe(false);
    }
  });

  it('fails when a declared output or metrics file is missing, naming it', async () => {
    const { ctx, platform } = context();
    const result = await runTrain({ command: 'echo {} > metrics.json', metricsFiles: ['metrics.json'], outputs: ['model.pkl'] }, ctx);
    expect(result.status).toBe('failed');
    expect(platform.messages('error')[0]).toContain("did not produce output 'model.pkl'");
    const bad = await runTrain({ command: 'printf "{\\n  \\"a\\": }" > m.json', metricsFiles: ['m.json'], cache: false }, ctx);
    expect(bad.status).toBe('failed');
    expect(platform.log.at(-1)).toEqual(expect.objectContaining({ kind: 'error', location: expect.objectContaining({ file: 'm.json', line: 2 }) }));
  });

  it('rejects a missing data path as a usage error (exit 2) before running anything', async () => {
    const { ctx } = context();
    await expect(runTrain({ ...baseInputs, deps: ['data/missing.csv'] }, ctx)).rejects.toMatchObject({ kind: 'usage', code: 'train-dep-missing' });
    expect(await runs()).toBe(0);
  });

  it('never prints or records secret env values', async () => {
    const secret = 'hunter2-very-secret';
    const { ctx, platform } = context();
    const result = await runTrain({ command: 'echo "token is $API_TOKEN"; echo "seed $SEED"', env: [`API_TOKEN=${secret}`, 'SEED=42'] }, ctx);
    expect(result.status).toBe('passed');
    expect(platform.masked).toContain(secret);
    expect(platform.messages('info')).toEqual(expect.arrayContaining(['token is ***', 'seed 42']));
    // The step redacts on its own too: the local terminal has no runner-side masking.
    const unmaskedPlatform = new FakePlatform();
    unmaskedPlatform.mask = () => undefined;
    const second = await runTrain({ command: 'echo "token is $API_TOKEN"', env: [`API_TOKEN=${secret}`], cache: false }, makeContext(dir.path, { platform: unmaskedPlatform }).ctx);
    expect(unmaskedPlatform.messages('info')).toContain('token is ***');
    for (const text of [JSON.stringify(platform.log), JSON.stringify(result), JSON.stringify(second), await readFile(join(dir.path, '.modelci/train/record.json'), 'utf8')]) {
      expect(text).not.toContain(secret);
    }
    expect(result.data.env).toEqual(['API_TOKEN', 'SEED']);
  });
});

describe('train: run cache', () => {
  it('restores outputs on an identical second run and provably does not run the command', async () => {
    const first = await runTrain(baseInputs, context().ctx);
    await rm(join(dir.path, 'out'), { recursive: true });
    await writeFile(join(dir.path, 'metrics.json'), 'stale');

    const { ctx, platform } = context();
    const second = await runTrain(baseInputs, ctx);
    expect(await runs()).toBe(1);
    expect(second.status).toBe('passed');
    expect(second.data.cacheHit).toBe(true);
    expect(second.data.cacheKey).toBe(first.data.cacheKey);
    expect(second.data.metrics).toEqual(first.data.metrics);
    expect(second.data.outputs).toEqual(first.data.outputs);
    expect(second.data.cachedRun?.durationMs).toBe(first.data.durationMs);
    expect(second.outputs?.['cache-hit']).toBe('true');
    expect(await sha256File(join(dir.path, 'out/model.json'))).toBe(first.data.outputs[0]?.sha256);
    expect(await readFile(join(dir.path, 'metrics.json'), 'utf8')).toContain('"accuracy": 0.6');
    expect(platform.messages('group-start')).toEqual([]);
    expect(second.markdown).toContain('cache hit');
  });

  it.each([
    { name: 'a data file changes', change: () => writeFile(join(dir.path, 'data/train.csv'), 'x,y\n1,0\n2,1\n') },
    { name: 'a data file is added to a data directory', change: () => writeFile(join(dir.path, 'data/extra.csv'), 'x,y\n') },
    { name: 'the params file changes', change: () => writeFile(join(dir.path, 'params.json'), JSON.stringify({ lr: 0.2, model: { depth: 3 } })) },
  ])('re-runs when $name', async ({ change }) => {
    const first = await runTrain(baseInputs, context().ctx);
    await change();
    const second = await runTrain(baseInputs, context().ctx);
    expect(await runs()).toBe(2);
    expect(second.data.cacheHit).toBe(false);
    expect(second.data.cacheKey).not.toBe(first.data.cacheKey);
  });

  it('re-runs when a param override changes, and hands params to the command', async () => {
    await runTrain({ ...baseInputs, param: ['lr=0.2'] }, context().ctx);
    const hit = await runTrain({ ...baseInputs, param: ['lr=0.2'] }, context().ctx);
    const changed = await runTrain({ ...baseInputs, param: ['lr=0.3', 'model.depth=5'] }, context().ctx);
    expect(hit.data.cacheHit).toBe(true);
    expect(changed.data.cacheHit).toBe(false);
    expect(await runs()).toBe(2);
    expect(changed.data.params).toEqual({ lr: 0.3, 'model.depth': 5 });
    expect(changed.data.metrics.accuracy).toBe(0.8);
    expect(JSON.parse(await readFile(join(dir.path, 'out/model.json'), 'utf8')).model).toEqual({ depth: 5 });
  });

  it('re-runs when the command, an env value or the code changes (git), but not for its own outputs', async () => {
    gitInit(dir.path);
    const first = await runTrain(baseInputs, context().ctx);
    expect(first.data.code).toEqual(expect.objectContaining({ git: true, gitSha: git(dir.path, 'rev-parse', 'HEAD').trim(), dirty: false }));
    // metrics.json and out/ are untracked now; they must not count as code changes.
    expect((await runTrain(baseInputs, context().ctx)).data.cacheHit).toBe(true);
    expect(await runs()).toBe(1);

    await writeFile(join(dir.path, 'train.py'), `${await readFile(join(dir.path, 'train.py'), 'utf8')}\n# tweak\n`);
    const edited = await runTrain(baseInputs, context().ctx);
    expect(edited.data.cacheHit).toBe(false);
    expect(edited.data.code.dirty).toBe(true);
    expect(await runs()).toBe(2);

    await writeFile(join(dir.path, 'helper.py'), 'X = 1\n');
    expect((await runTrain(baseInputs, context().ctx)).data.cacheHit).toBe(false);
    expect((await runTrain({ ...baseInputs, env: ['SEED=1'] }, context().ctx)).data.cacheHit).toBe(false);
    expect((await runTrain({ ...baseInputs, command: 'python3 train.py --fast' }, context().ctx)).data.cacheHit).toBe(false);
    expect(await runs()).toBe(5);

    // Committing the same content keeps the tree, so the cache still hits on the new commit.
    git(dir.path, 'add', 'train.py', 'helper.py');
    git(dir.path, 'commit', '-q', '-m', 'tweak');
    const committed = await runTrain(baseInputs, context().ctx);
    expect(committed.data.code.dirty).toBe(false);
    const again = await runTrain(baseInputs, context().ctx);
    expect(again.data.cacheHit).toBe(true);
  });

  it('does not read or write the cache when cache is false', async () => {
    await runTrain({ ...baseInputs, cache: false }, context().ctx);
    await runTrain({ ...baseInputs, cache: false }, context().ctx);
    expect(await runs()).toBe(2);
    expect(await readdir(join(dir.path, '.modelci')).catch(() => [])).not.toContain('cache');
  });

  it('does not cache a failed run', async () => {
    await writeFile(join(dir.path, 'flaky.sh'), 'echo run >> "$COUNTER"; test -f ok || exit 4; echo "{}" > m.json\n');
    expect((await runTrain({ command: 'bash flaky.sh', metricsFiles: ['m.json'] }, context().ctx)).status).toBe('failed');
    await writeFile(join(counterDir.path, 'unused'), '');
    expect((await runTrain({ command: 'bash flaky.sh', metricsFiles: ['m.json'] }, context().ctx)).status).toBe('failed');
    expect(await runs()).toBe(2);
  });

  it('re-runs when a cache entry is damaged, with a warning', async () => {
    const first = await runTrain(baseInputs, context().ctx);
    const entry = join(dir.path, '.modelci/cache/train', first.data.cacheKey, 'files');
    for (const name of await readdir(entry)) await writeFile(join(entry, name), 'corrupt');
    await rm(join(dir.path, 'out'), { recursive: true });
    const { ctx, platform } = context();
    const second = await runTrain(baseInputs, ctx);
    expect(second.status).toBe('passed');
    expect(second.data.cacheHit).toBe(false);
    expect(platform.messages('warning').join('\n')).toContain('damaged');
    expect(await runs()).toBe(2);
    expect((await runTrain(baseInputs, context().ctx)).data.cacheHit).toBe(true);
  });

  it('refuses a cache entry that would write outside the declared outputs', async () => {
    const inputs = { command: 'echo run >> "$COUNTER"; mkdir -p model && echo a > model/a.txt', outputs: ['model'] };
    const first = await runTrain(inputs, context().ctx);
    const recordPath = join(dir.path, '.modelci/cache/train', first.data.cacheKey, 'record.json');
    const record = JSON.parse(await readFile(recordPath, 'utf8'));
    record.outputs[0].files[0].path = '../../escaped.txt';
    await writeFile(recordPath, JSON.stringify(record));
    await rm(join(dir.path, 'model'), { recursive: true });
    const { ctx, platform } = context();
    const second = await runTrain(inputs, ctx);
    expect(second.data.cacheHit).toBe(false);
    expect(platform.messages('warning').join('\n')).toContain('unsafe file path');
    expect(await readFile(join(dir.path, '..', 'escaped.txt'), 'utf8').catch(() => 'absent')).toBe('absent');
    expect(await runs()).toBe(2);
  });

  it('serves one file declared as both an output and a metrics file', async () => {
    const inputs = { command: 'echo run >> "$COUNTER"; echo \'{"accuracy": 1}\' > m.json', outputs: ['m.json'], metricsFiles: ['m.json'] };
    await runTrain(inputs, context().ctx);
    const second = await runTrain(inputs, context().ctx);
    expect(second.data.cacheHit).toBe(true);
    expect(second.data.metrics).toEqual({ accuracy: 1 });
    expect(await runs()).toBe(1);
  });

  it('caches directory outputs and restores them whole', async () => {
    const inputs = { command: 'echo run >> "$COUNTER"; mkdir -p model/sub && echo a > model/a.txt && echo b > model/sub/b.txt', outputs: ['model'] };
    const first = await runTrain(inputs, context().ctx);
    await writeFile(join(dir.path, 'model/a.txt'), 'changed');
    await writeFile(join(dir.path, 'model/stray.txt'), 'not from the run');
    const second = await runTrain(inputs, context().ctx);
    expect(second.data.cacheHit).toBe(true);
    expect(await runs()).toBe(1);
    expect(second.data.outputs[0]).toEqual(expect.objectContaining({ kind: 'directory', fileCount: 2, sha256: first.data.outputs[0]?.sha256 }));
    expect((await readdir(join(dir.path, 'model'))).sort()).toEqual(['a.txt', 'sub']);
    expect(await readFile(join(dir.path, 'model/a.txt'), 'utf8')).toBe('a\n');
  });

  it('stays consistent when runs with the same key store concurrently', async () => {
    const results = await Promise.all([1, 2, 3].map(() => runTrain({ ...baseInputs, outputs: [] , metricsFiles: [], command: 'echo run >> "$COUNTER"; echo {} > m.json' }, context().ctx)));
    expect(results.every((r) => r.status === 'passed')).toBe(true);
    const cacheDir = join(dir.path, '.modelci/cache/train');
    const entries = await readdir(cacheDir);
    expect(entries).toEqual([results[0]?.data.cacheKey]);
    expect((await runTrain({ ...baseInputs, outputs: [], metricsFiles: [], command: 'echo run >> "$COUNTER"; echo {} > m.json' }, context().ctx)).data.cacheHit).toBe(true);
  });

  it('uses cache-dir relative to the invocation directory (for actions/cache)', async () => {
    await runTrain({ ...baseInputs, cacheDir: 'ci-cache' }, context().ctx);
    const second = await runTrain({ ...baseInputs, cacheDir: 'ci-cache' }, context().ctx);
    expect(second.data.cacheHit).toBe(true);
    expect(await readdir(join(dir.path, 'ci-cache'))).toEqual([second.data.cacheKey]);
  });
});

describe('train: working directory and artifacts', () => {
  it('runs in the working directory (--cwd) and resolves every path against it', async () => {
    const project = join(dir.path, 'project');
    await trainProject(project);
    const { ctx } = makeContext(project, { env: { COUNTER: counter } });
    const result = await runTrain(baseInputs, ctx);
    expect(result.status).toBe('passed');
    expect(result.data.outputs[0]?.path).toBe('out/model.json');
    expect(result.files?.outputs).toContain(join(project, 'out/model.json'));
  });

  it('uploads outputs, metrics, params, the run record and the evidence through the artifact store', async () => {
    const artifacts = new FakeArtifactStore();
    const { ctx, platform } = context({ artifacts });
    const outcome = await runTrainStep({ ...baseInputs, upload: true, artifactName: 'churn-model' }, ctx);
    expect(outcome.status).toBe('passed');
    expect(artifacts.uploads).toHaveLength(1);
    const upload = artifacts.uploads[0];
    expect(upload?.name).toBe('churn-model');
    expect(upload?.rootDirectory).toBe(dir.path);
    expect(upload?.files.sort()).toEqual(
      [join(dir.path, 'out/model.json'), join(dir.path, 'metrics.json'), join(dir.path, 'params.json'), join(dir.path, '.modelci/train/record.json'), join(dir.path, '.modelci/evidence/train.json')].sort(),
    );
    expect(outcome.result?.data).toMatchObject({ artifact: { name: 'churn-model', files: 4 } });
    expect(platform.outputs.get('artifact-id')).toBe('1');
  });

  it.each([
    { platform: 'github' as const, upload: undefined, expected: 1 },
    { platform: 'local' as const, upload: undefined, expected: 0 },
    { platform: 'github' as const, upload: false, expected: 0 },
  ])('uploads by default only on GitHub ($platform, upload=$upload)', async ({ platform, upload, expected }) => {
    const artifacts = new FakeArtifactStore();
    const { ctx } = context({ artifacts, platform: new FakePlatform(platform) });
    await runTrainStep({ ...baseInputs, ...(upload !== undefined ? { upload } : {}) }, ctx);
    expect(artifacts.uploads).toHaveLength(expected);
  });

  it('does not upload after a failed run', async () => {
    const artifacts = new FakeArtifactStore();
    await runTrainStep({ command: 'exit 1', upload: true }, context({ artifacts }).ctx);
    expect(artifacts.uploads).toHaveLength(0);
  });

  it('declares every CI output it sets', async () => {
    const result = await runTrain(baseInputs, context().ctx);
    // artifact-id is set by the runner once the upload (after the evidence) is done.
    expect(Object.keys(result.outputs ?? {}).sort()).toEqual(Object.keys(trainStep.outputs).filter((name) => name !== 'artifact-id').sort());
  });
});

describe('train: inputs', () => {
  it.each([
    { name: 'env without =', raw: { command: 'true', env: ['NOPE'] }, code: 'train-env-invalid' },
    { name: 'param without =', raw: { command: 'true', param: ['lr'] }, code: 'train-param-invalid' },
    { name: 'missing params file', raw: { command: 'true', params: 'nope.yaml' }, code: 'train-params-missing' },
  ])('rejects $name as a usage error', async ({ raw, code }) => {
    await expect(runTrain(raw, context().ctx)).rejects.toMatchObject({ kind: 'usage', code });
  });

  it('reports a broken params file with line and column', async () => {
    await writeFiles(dir.path, { 'params.yaml': 'lr: 0.1\nmodel: [1, 2\n' });
    await expect(runTrain({ command: 'true', params: 'params.yaml' }, context().ctx)).rejects.toMatchObject({
      code: 'train-params-invalid',
      location: expect.objectContaining({ file: 'params.yaml', line: expect.any(Number) }),
    });
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (killed, not yet reaped by a PID 1 that does not reap) is gone for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  while (isRunning(pid)) await new Promise((r) => setTimeout(r, 50));
}
