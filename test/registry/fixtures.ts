import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { sha256File } from '../../shared/files/digest.js';
import { digestTree, treeDigest } from '../../shared/files/paths.js';
import { openRegistry } from '../../shared/registry/index.js';
import type { Registry, RegistryOptions } from '../../shared/registry/types.js';
import { dockerRegistryBinary, startDockerRegistry, type DockerRegistryServer } from '../servers/docker-registry.js';
import { mlflowBinary, startMlflow, type MlflowServer } from '../servers/mlflow.js';
import { repoRoot } from '../helpers/python.js';

export type BackendKind = 'file' | 'oci' | 'mlflow';

export interface Backend {
  kind: BackendKind;
  uri: string;
  open(options?: Partial<RegistryOptions>): Registry;
  /** Server-side storage root, for corruption tests. */
  storage: string;
  stop(): Promise<void>;
}

export async function tempDir(prefix = 'modelci-registry-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Deterministic bytes: the same seed always gives the same content. */
export function seededBytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset, 0, Math.min(block.length, size - offset));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** Writes a small model directory: weights, a config, a README in a sub-folder. */
export async function makeModel(root: string, seed: string, weightBytes = 4096): Promise<string> {
  const files: Record<string, Buffer | string> = {
    'model.bin': seededBytes(`${seed}/weights`, weightBytes),
    'config.json': JSON.stringify({ seed, layers: 2 }),
    'docs/README.md': `# model ${seed}\n`,
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** A real record a step wrote (test/fixtures/report), with the given fields replaced. */
async function recordLike(step: 'train' | 'evaluate', fields: Record<string, unknown>, result: Record<string, unknown> = {}): Promise<string> {
  const base = JSON.parse(await readFile(join(repoRoot, 'test/fixtures/report/churn-second', `${step}.json`), 'utf8'));
  return JSON.stringify({ ...base, ...fields, result: { ...base.result, ...result } });
}

export async function makeEvidence(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'evaluate.json'), await recordLike('evaluate', { status: 'passed', summary: 'accuracy 0.91' }, { metrics: { accuracy: 0.91, roc_auc: 0.95 } }));
  await writeFile(join(dir, 'train.json'), await recordLike('train', { status: 'passed', summary: 'trained' }));
  return dir;
}

export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else out.push(`${prefix}${entry.name}`);
    }
  };
  await walk(root, '');
  return out.sort();
}

/** Which backends can run here; in CI a missing server binary throws instead (see findBinary). */
export function availableBackends(): BackendKind[] {
  const kinds: BackendKind[] = ['file'];
  if (dockerRegistryBinary()) kinds.push('oci');
  if (mlflowBinary()) kinds.push('mlflow');
  return kinds;
}

export async function startBackend(kind: BackendKind): Promise<Backend> {
  if (kind === 'file') {
    const root = await tempDir('modelci-file-registry-');
    const uri = `file://${root}`;
    return { kind, uri, storage: root, open: (options) => openRegistry(uri, { cwd: root, env: {}, ...options }), stop: () => rm(root, { recursive: true, force: true }) };
  }
  if (kind === 'oci') {
    const server: DockerRegistryServer = await startDockerRegistry();
    const uri = `oci://${server.host}/team`;
    return { kind, uri, storage: server.storage, open: (options) => openRegistry(uri, { cwd: tmpdir(), env: {}, ...options }), stop: () => server.stop() };
  }
  const server: MlflowServer = await startMlflow();
  const uri = `mlflow+${server.url}`;
  return { kind, uri, storage: server.artifacts, open: (options) => openRegistry(uri, { cwd: tmpdir(), env: {}, ...options }), stop: () => server.stop() };
}

/**
 * Evidence that belongs to the model in `modelDir` (as `modelci train` and `evaluate` would leave
 * it): train's record names the model's tree digest among its outputs, and evaluate scored the
 * predictions that run wrote. push-model attaches only evidence tied to the content like this.
 */
export async function makeBoundEvidence(cwd: string, modelDir: string, evaluate: { status?: string; accuracy?: number } = {}): Promise<void> {
  const evidence = join(cwd, '.modelci', 'evidence');
  await mkdir(evidence, { recursive: true });
  const predictions = join(cwd, 'predictions.csv');
  await writeFile(predictions, 'label,score\n0,0.2\n1,0.7\n');
  const predictionsDigest = { path: 'predictions.csv', sha256: await sha256File(predictions), bytes: 0 };
  const model = { path: relative(cwd, modelDir), kind: 'directory', sha256: treeDigest(await digestTree(modelDir)) };
  await writeFile(join(evidence, 'train.json'), await recordLike('train', { status: 'passed', summary: 'trained', inputs: [], outputs: [predictionsDigest] }, { outputs: [{ ...model, bytes: 0 }, { ...predictionsDigest, kind: 'file' }], data: [] }));
  await writeFile(join(evidence, 'evaluate.json'), await recordLike('evaluate', { status: evaluate.status ?? 'passed', summary: 'ok', inputs: [predictionsDigest] }, { metrics: { accuracy: { value: evaluate.accuracy ?? 0.8, ci: null, n: 2 } } }));
}
