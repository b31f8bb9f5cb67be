import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256File } from '../../shared/files/digest.js';
import { repoRoot } from '../helpers/python.js';
import type { TrainData } from '../../shared/steps/train.js';

type TrainDoc = TrainData & { status: string; evidence: string };
import { tempDir, writeFiles } from './helpers.js';

/** The real `modelci` process (shared/cli.ts main, TypeScript loaded by tsx), so stdout is the real stdout. */
function modelci(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/esm/index.mjs')).href;
  const cli = pathToFileURL(join(repoRoot, 'shared/cli.ts')).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', `const { main } = await import(${JSON.stringify(cli)}); await main(process.argv.slice(1));`, ...args], {
      cwd,
      env: { ...process.env, ...env, GITHUB_ACTIONS: '', GITLAB_CI: '', CI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const TRAIN = `import json, os
with open(os.environ["COUNTER"], "a") as f:
    f.write("run\\n")
rows = open("data.csv").read().strip().split("\\n")[1:]
params = json.load(open("params.json"))
print("training", len(rows), "rows with lr", params["lr"])
json.dump({"accuracy": 0.5 + params["lr"], "test": {"f1": 0.75}}, open("metrics.json", "w"))
json.dump({"rows": len(rows)}, open("model.json", "w"))
`;

let dir: { path: string; cleanup(): Promise<void> };
let counterDir: { path: string; cleanup(): Promise<void> };

beforeEach(async () => {
  dir = await tempDir('modelci-train-cli-');
  counterDir = await tempDir('modelci-counter-');
  await writeFiles(dir.path, { 'train.py': TRAIN, 'data.csv': 'x,y\n1,0\n2,1\n', 'params.json': '{"lr": 0.25}' });
});

afterEach(async () => {
  await dir.cleanup();
  await counterDir.cleanup();
});

describe('modelci train (CLI)', () => {
  it('prints one JSON document with metrics and digests; an identical second run is a cache hit that does not run the command; a data or param change re-runs', async () => {
    const counter = join(counterDir.path, 'runs.log');
    const env = { COUNTER: counter };
    const args = ['train', '--command', 'python3 train.py', '--metrics-files', 'metrics.json', '--outputs', 'model.json', '--deps', 'data.csv', '--params', 'params.json', '--format', 'json'];
    const runs = async () => (await readFile(counter, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

    const first = await modelci(args, dir.path, env);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(first.stdout) as TrainDoc;
    expect(doc.status).toBe('passed');
    expect(doc.exitCode).toBe(0);
    expect(doc.cacheHit).toBe(false);
    expect(doc.metrics).toEqual({ accuracy: 0.75, 'test.f1': 0.75 });
    expect(doc.params).toEqual({ lr: 0.25 });
    expect(doc.outputs).toEqual([{ path: 'model.json', kind: 'file', sha256: await sha256File(join(dir.path, 'model.json')), bytes: 11 }]);
    expect(doc.data).toEqual([{ path: 'data.csv', kind: 'file', sha256: await sha256File(join(dir.path, 'data.csv')), bytes: 12 }]);
    expect(doc.metricsFiles[0]?.sha256).toBe(await sha256File(join(dir.path, 'metrics.json')));
    // The command's own stdout went to the log (stderr), not into the JSON.
    expect(first.stderr).toContain('training 2 rows with lr 0.25');
    const evidence = JSON.parse(await readFile(doc.evidence, 'utf8'));
    expect(evidence.status).toBe('passed');
    expect(evidence.outputs.map((o: { path: string }) => o.path)).toEqual(expect.arrayContaining(['model.json', 'metrics.json']));
    expect(await runs()).toBe(1);

    const second = await modelci(args, dir.path, env);
    expect(second.code, second.stderr).toBe(0);
    const hit = JSON.parse(second.stdout) as TrainDoc;
    expect(hit.cacheHit).toBe(true);
    expect(hit.cacheKey).toBe(doc.cacheKey);
    expect(hit.metrics).toEqual(doc.metrics);
    expect(hit.outputs).toEqual(doc.outputs);
    expect(second.stderr).not.toContain('training 2 rows');
    expect(await runs()).toBe(1);

    await writeFile(join(dir.path, 'data.csv'), 'x,y\n1,0\n2,1\n3,1\n');
    const dataChanged = JSON.parse((await modelci(args, dir.path, env)).stdout) as TrainDoc;
    expect(dataChanged.cacheHit).toBe(false);
    expect(await runs()).toBe(2);

    await writeFile(join(dir.path, 'params.json'), '{"lr": 0.3}');
    const paramChanged = JSON.parse((await modelci(args, dir.path, env)).stdout) as TrainDoc;
    expect(paramChanged.cacheHit).toBe(false);
    expect(paramChanged.metrics.accuracy).toBe(0.8);
    expect(await runs()).toBe(3);

    const overridden = JSON.parse((await modelci([...args, '--param', 'epochs=3'], dir.path, env)).stdout) as TrainDoc;
    expect(overridden.cacheHit).toBe(false);
    expect(overridden.params).toEqual({ lr: 0.3, epochs: 3 });
    expect(await runs()).toBe(4);
  });

  it('exits 1 with the exit code for a failing command, and 1 with "timed out after N s" for a timeout', async () => {
    const failed = await modelci(['train', '--command', 'echo oops >&2; exit 7', '--format', 'json'], dir.path, {});
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual(expect.objectContaining({ status: 'failed', exitCode: 7 }));
    expect(failed.stderr).toContain('failed with exit code 7');

    const timedOut = await modelci(['train', '--command', 'sleep 30', '--timeout', '1', '--format', 'json'], dir.path, {});
    expect(timedOut.code).toBe(1);
    const doc = JSON.parse(timedOut.stdout);
    expect(doc).toEqual(expect.objectContaining({ status: 'failed', timedOut: true, exitCode: null }));
    expect(doc.error).toContain('timed out after 1 s');
    expect(JSON.parse(await readFile(doc.evidence, 'utf8')).status).toBe('failed');
  });
});
