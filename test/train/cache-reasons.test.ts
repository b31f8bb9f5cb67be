import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelciError } from '../../shared/errors.js';
import { git, gitInit, makeContext, runTrain, tempDir, trainProject, writeFiles } from './helpers.js';

let dir: { path: string; cleanup(): Promise<void> };
let counterDir: { path: string; cleanup(): Promise<void> };

beforeEach(async () => {
  dir = await tempDir();
  counterDir = await tempDir('modelci-counter-');
  await trainProject(dir.path);
  await writeFiles(dir.path, { 'src/features.py': 'FEATURES = 1\n', 'src/model.py': 'DEPTH = 3\n', 'README.md': '# churn\n' });
});

afterEach(async () => {
  await dir.cleanup();
  await counterDir.cleanup();
});

const inputs = { command: 'python3 train.py', params: 'params.json', metricsFiles: ['metrics.json'], outputs: ['out/model.json'], deps: ['data'] };

async function train(extra: Record<string, unknown> = {}) {
  const { ctx, platform } = makeContext(dir.path, { env: { COUNTER: join(counterDir.path, 'runs.log') } });
  const result = await runTrain({ ...inputs, ...extra }, ctx);
  const missLine = platform.log.find((entry) => entry.message.startsWith('train: cache miss'))?.message ?? null;
  return { result, missLine };
}

describe('train: the code input keys the run cache with only the named files', () => {
  it('hits when a file outside it changes, misses and names the file when one inside changes', async () => {
    const code = ['src', 'train.py'];
    const first = await train({ code });
    expect(first.result.data.cacheHit).toBe(false);
    expect(first.result.data.code.files?.map((file) => file.path)).toEqual(['src/features.py', 'src/model.py', 'train.py']);
    await writeFile(join(dir.path, 'README.md'), '# churn, now documented\n');
    expect((await train({ code })).result.data.cacheHit).toBe(true);
    await writeFile(join(dir.path, 'src/model.py'), 'DEPTH = 4\n');
    await writeFile(join(dir.path, 'src/new.py'), 'X = 1\n');
    const changed = await train({ code });
    expect(changed.result.data.cacheHit).toBe(false);
    expect(changed.missLine).toContain('code: changed src/model.py; added src/new.py');
  });

  it('in a git repository, a README edit misses without it and hits with it', async () => {
    gitInit(dir.path);
    const code = ['src/*.py', 'train.py'];
    await train();
    await writeFile(join(dir.path, 'README.md'), '# edited, uncommitted\n');
    const whole = await train();
    expect(whole.result.data.cacheHit).toBe(false);
    expect(whole.missLine).toContain('code: uncommitted changes differ');
    await train({ code });
    await writeFile(join(dir.path, 'README.md'), '# edited again\n');
    expect((await train({ code })).result.data.cacheHit).toBe(true);
  });

  it('refuses a pattern that matches nothing or leaves the working directory (exit 2)', async () => {
    for (const [pattern, code] of [['lib/**/*.py', 'train-code-no-match'], ['../elsewhere.py', 'train-code-outside']]) {
      const error = await train({ code: [pattern] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ModelciError);
      expect((error as ModelciError).code).toBe(code);
      expect((error as ModelciError).message).toContain(pattern);
    }
  });
});

describe('train: a cache miss says what changed since the last run of the same train', () => {
  it('says there is no earlier run the first time', async () => {
    expect((await train()).missLine).toContain('no earlier run of this train in the cache');
  });

  it('names changed params, deps, code files, environment names and the command', async () => {
    await train({ code: ['src'], env: ['SEED=1', 'API_TOKEN=first-secret-value'] });
    await writeFile(join(dir.path, 'params.json'), JSON.stringify({ lr: 0.2, model: { depth: 3 }, epochs: 5 }));
    await writeFile(join(dir.path, 'data/train.csv'), 'x,y\n1,0\n2,1\n');
    await writeFile(join(dir.path, 'src/features.py'), 'FEATURES = 2\n');
    const { missLine } = await train({ code: ['src'], env: ['SEED=2', 'API_TOKEN=first-secret-value'], command: 'python3 train.py --fast' });
    expect(missLine).toContain('command changed');
    expect(missLine).toContain('params: lr 0.1 -> 0.2, epochs added');
    expect(missLine).toContain('deps: changed data');
    expect(missLine).toContain('code: changed src/features.py');
    expect(missLine).toContain('environment: changed SEED');
    expect(missLine).not.toContain('API_TOKEN');
  });

  it('keeps no environment value in a cache entry, only digests (none for secret names)', async () => {
    await train({ env: ['SEED=plain-value-1234', 'API_TOKEN=secret-value-5678'] });
    const cacheDir = join(dir.path, '.modelci', 'cache', 'train');
    const [entry] = (await readdir(cacheDir)).filter((name) => /^[0-9a-f]{64}$/.test(name));
    const record = await readFile(join(cacheDir, entry!, 'record.json'), 'utf8');
    expect(record).not.toContain('plain-value-1234');
    expect(record).not.toContain('secret-value-5678');
    expect(JSON.parse(record).material.env).toEqual([['API_TOKEN', null], ['SEED', expect.stringMatching(/^[0-9a-f]{64}$/)]]);
  });

  it('names the committed files that changed, in git, from the two trees', async () => {
    gitInit(dir.path);
    await train();
    await writeFile(join(dir.path, 'src/model.py'), 'DEPTH = 5\n');
    git(dir.path, 'commit', '-qam', 'deeper');
    const { missLine } = await train();
    expect(missLine).toContain('code: committed changes in src/model.py');
  });
});
