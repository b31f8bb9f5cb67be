import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestPath } from '../../shared/files/paths.js';
import { scanModel } from '../../shared/registry/model-files.js';
import type { PushResult, Registry } from '../../shared/registry/types.js';
import { pythonPath } from '../helpers/python.js';
import { mlflowQuietEnv } from '../servers/mlflow.js';
import { availableBackends, listTree, makeEvidence, makeModel, startBackend, tempDir, type Backend } from './fixtures.js';

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

describe.each(availableBackends())('%s registry', (kind) => {
  let backend: Backend;
  let registry: Registry;
  let work: string;
  let first: PushResult;
  let second: PushResult;

  beforeAll(async () => {
    backend = await startBackend(kind);
    registry = backend.open({ chunkSize: 1500 });
    work = await tempDir();
    await makeModel(join(work, 'v1'), 'one');
    await makeModel(join(work, 'v2'), 'two');
    await makeEvidence(join(work, 'evidence'));
    const evidence = ['evaluate.json', 'train.json'].map((name) => ({ name, absolute: join(work, 'evidence', name) }));
    first = await registry.push({ name: 'churn', path: join(work, 'v1'), evidence, metadata: { gitSha: 'a'.repeat(40), runUrl: 'http://ci.invalid/run/1', metrics: { accuracy: 0.91, roc_auc: 0.95 } } });
    second = await registry.push({ name: 'churn', path: join(work, 'v2'), evidence });
  });

  afterAll(async () => {
    await backend?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('pushes new content as a new version with the content digest', async () => {
    const scanned = await scanModel(join(work, 'v1'));
    expect(first).toMatchObject({ name: 'churn', version: '1', digest: scanned.digest, created: true });
    expect(second).toMatchObject({ name: 'churn', version: '2', created: true });
    expect(second.digest).not.toBe(first.digest);
    // The digest train's evidence records for the same directory (one format everywhere).
    expect(first.digest).toBe(`sha256:${(await digestPath(join(work, 'v1'), 'v1'))!.sha256}`);
  });

  it('returns the existing version when the same content is pushed again', async () => {
    const again = await registry.push({ name: 'churn', path: join(work, 'v1') });
    expect(again).toEqual({ ...first, created: false });
    expect((await registry.list('churn')).map((version) => version.version)).toEqual(['1', '2']);
  });

  it('lists the versions with their digests', async () => {
    const versions = await registry.list('churn');
    expect(versions.map(({ version, digest }) => ({ version, digest }))).toEqual([
      { version: '1', digest: first.digest },
      { version: '2', digest: second.digest },
    ]);
    expect(await registry.list('nothing-here')).toEqual([]);
  });

  it('shows a version with its files, metadata and attached evidence', async () => {
    const details = await registry.show('churn', '1');
    const scanned = await scanModel(join(work, 'v1'));
    expect(details.files).toEqual(scanned.files.map(({ path, digest, size }) => ({ path, digest, size })));
    expect(details.metadata).toMatchObject({ gitSha: 'a'.repeat(40), runUrl: 'http://ci.invalid/run/1' });
    // An object, not JSON text inside JSON, on every backend.
    expect(details.metrics).toEqual({ accuracy: 0.91, roc_auc: 0.95 });
    expect(details.metadata.metrics).toBeUndefined();
    expect(details.evidence.map((entry) => ({ path: entry.path, step: entry.step, status: entry.status }))).toEqual([
      { path: 'evaluate.json', step: 'evaluate', status: 'passed' },
      { path: 'train.json', step: 'train', status: 'passed' },
    ]);
    expect(details.evidence[0]?.digest).toBe(sha256(await readFile(join(work, 'evidence', 'evaluate.json'))));
  });

  it('pulls a version into a new directory with every digest verified', async () => {
    const dest = join(work, 'pulled-1');
    const pulled = await registry.pull('churn', '1', dest);
    expect(pulled).toMatchObject({ version: '1', digest: first.digest });
    expect(await listTree(dest)).toEqual(['config.json', 'docs/README.md', 'model.bin']);
    expect((await scanModel(dest)).digest).toBe(first.digest);
    expect((await readdir(work)).filter((entry) => entry.includes('.pull-'))).toEqual([]);
  });

  it('pulls the evidence attached to a version (by alias too), byte for byte', async () => {
    await registry.setAlias({ name: 'churn', alias: 'reviewed', version: '1' });
    const dest = join(work, 'evidence-1');
    const pulled = await registry.pullEvidence('churn', 'reviewed', dest);
    expect(pulled).toMatchObject({ version: '1', digest: first.digest });
    expect(await listTree(dest)).toEqual(['evaluate.json', 'train.json']);
    for (const name of ['evaluate.json', 'train.json']) expect(await readFile(join(dest, name), 'utf8')).toBe(await readFile(join(work, 'evidence', name), 'utf8'));
  });

  it('refuses to pull into a directory that has files, and names the fix', async () => {
    const dest = join(work, 'occupied');
    await mkdir(dest);
    await writeFile(join(dest, 'keep.txt'), 'mine');
    await expect(registry.pull('churn', '1', dest)).rejects.toMatchObject({ kind: 'usage', code: 'registry-dest-exists' });
    expect(await listTree(dest)).toEqual(['keep.txt']);
  });

  it('reports an unknown version or alias as a usage error', async () => {
    await expect(registry.show('churn', '99')).rejects.toMatchObject({ kind: 'usage', code: 'registry-not-found' });
    await expect(registry.pull('churn', 'nobody', join(work, 'never'))).rejects.toMatchObject({ kind: 'usage', code: 'registry-not-found' });
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('sets an alias with a compare-and-swap and records who moved it, from and to', async () => {
    expect(await registry.getAlias('churn', 'champion')).toBeUndefined();
    const created = await registry.setAlias({ name: 'churn', alias: 'champion', version: '1', expect: null, by: 'alice' });
    expect(created).toMatchObject({ moved: true, event: { alias: 'champion', to: '1', by: 'alice', seq: 1 } });
    expect(await registry.setAlias({ name: 'churn', alias: 'champion', version: '2', expect: null })).toEqual({ moved: false, current: '1' });
    expect(await registry.setAlias({ name: 'churn', alias: 'champion', version: '2', expect: '2' })).toEqual({ moved: false, current: '1' });
    const moved = await registry.setAlias({ name: 'churn', alias: 'champion', version: '2', expect: '1', by: 'bob' });
    expect(moved).toMatchObject({ moved: true, event: { from: '1', to: '2', by: 'bob', seq: 2 } });
    expect(await registry.getAlias('churn', 'champion')).toBe('2');

    const history = await registry.history('churn', 'champion');
    expect(history.map(({ alias, from, to, by, seq }) => ({ alias, from, to, by, seq }))).toEqual([
      { alias: 'champion', from: undefined, to: '1', by: 'alice', seq: 1 },
      { alias: 'champion', from: '1', to: '2', by: 'bob', seq: 2 },
    ]);
    expect(history.every((event) => !Number.isNaN(Date.parse(event.at)))).toBe(true);
    const listed = await registry.list('churn');
    expect(listed.find((version) => version.version === '2')?.aliases).toEqual(['champion']);
    const pulled = await registry.pull('churn', 'champion', join(work, 'pulled-champion'));
    expect(pulled.version).toBe('2');
  });

  it('rejects aliases that look like versions or reserved names', async () => {
    await expect(registry.setAlias({ name: 'churn', alias: 'v3', version: '1' })).rejects.toMatchObject({ kind: 'usage', code: 'registry-bad-alias' });
    await expect(registry.setAlias({ name: 'churn', alias: 'history-x', version: '1' })).rejects.toMatchObject({ kind: 'usage', code: 'registry-bad-alias' });
  });

  it('fails a pull with a digest error and writes nothing when a stored byte is flipped', async () => {
    const weights = (await scanModel(join(work, 'v1'))).files.find((file) => file.path === 'model.bin');
    const stored = await storedCopy(backend, weights?.digest ?? '');
    const bytes = await readFile(stored);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
    await writeFile(stored, bytes);
    const dest = join(work, 'pulled-corrupt');
    await expect(registry.pull('churn', '1', dest)).rejects.toMatchObject({ kind: 'environment', code: 'registry-digest-mismatch', exitCode: 3 });
    expect(existsSync(dest)).toBe(false);
    expect((await readdir(work)).filter((entry) => entry.includes('pulled-corrupt'))).toEqual([]);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x01;
    await writeFile(stored, bytes);
  });

  // A check of its own per backend (not a skip on the others): only OCI has skopeo, only MLflow its client.
  if (kind === 'oci') it('is readable by skopeo: ModelPack manifest, media types, file paths and digests', async () => {
    const host = backend.uri.slice('oci://'.length).split('/')[0] as string;
    const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${host}/team/churn:1`], { encoding: 'utf8' });
    const manifest = JSON.parse(raw) as { artifactType: string; mediaType: string; config: { mediaType: string }; layers: { mediaType: string; digest: string; annotations: Record<string, string> }[] };
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.artifactType).toBe('application/vnd.cncf.model.manifest.v1+json');
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.model.config.v1+json');
    const scanned = await scanModel(join(work, 'v1'));
    const modelLayers = manifest.layers.filter((layer) => layer.mediaType.startsWith('application/vnd.cncf.model.'));
    expect(modelLayers.map((layer) => ({ path: layer.annotations['org.cncf.model.filepath'], digest: layer.digest, mediaType: layer.mediaType }))).toEqual([
      { path: 'config.json', digest: scanned.files[0]?.digest, mediaType: 'application/vnd.cncf.model.weight.config.v1.raw' },
      { path: 'docs/README.md', digest: scanned.files[1]?.digest, mediaType: 'application/vnd.cncf.model.doc.v1.raw' },
      { path: 'model.bin', digest: scanned.files[2]?.digest, mediaType: 'application/vnd.cncf.model.weight.v1.raw' },
    ]);
    expect(manifest.layers.filter((layer) => layer.mediaType === 'application/vnd.modelci.evidence.v1+json').map((layer) => layer.annotations['org.cncf.model.filepath'])).toEqual(['evidence/evaluate.json', 'evidence/train.json']);

    // skopeo copies every blob and checks each digest on the way.
    const layout = join(work, 'skopeo-layout');
    execFileSync('skopeo', ['copy', '--src-tls-verify=false', `docker://${host}/team/churn:champion`, `oci:${layout}:champion`], { stdio: 'pipe' });
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    const copied = JSON.parse(await readFile(join(layout, 'blobs', 'sha256', (index.manifests[0]?.digest ?? '').slice(7)), 'utf8')) as { layers: { digest: string; annotations: Record<string, string> }[] };
    for (const layer of copied.layers) {
      const blob = await readFile(join(layout, 'blobs', 'sha256', layer.digest.slice(7)));
      expect(sha256(blob)).toBe(layer.digest);
    }
    const scanned2 = await scanModel(join(work, 'v2'));
    const weights = copied.layers.find((layer) => layer.annotations['org.cncf.model.filepath'] === 'model.bin');
    expect(weights?.digest).toBe(scanned2.files.find((file) => file.path === 'model.bin')?.digest);
  });

  if (kind === 'mlflow') it("is readable by MLflow's own client: alias, tags and downloaded artifacts match", async () => {
    const url = backend.uri.slice('mlflow+'.length);
    const script = `
import hashlib, json, os, sys
from mlflow import MlflowClient
import mlflow.artifacts
args = json.load(sys.stdin)
client = MlflowClient(tracking_uri=args["url"], registry_uri=args["url"])
mv = client.get_model_version_by_alias("churn", "champion")
dst = mlflow.artifacts.download_artifacts(artifact_uri=mv.source, dst_path=args["dst"], tracking_uri=args["url"])
files = {}
for root, _, names in os.walk(dst):
    for name in names:
        path = os.path.join(root, name)
        files[os.path.relpath(path, dst).replace(os.sep, "/")] = "sha256:" + hashlib.sha256(open(path, "rb").read()).hexdigest()
print(json.dumps({"version": mv.version, "tags": mv.tags, "files": files}))
`;
    const out = execFileSync(pythonPath(), ['-c', script], { input: JSON.stringify({ url, dst: join(work, 'mlflow-download') }), encoding: 'utf8', env: { ...process.env, ...mlflowQuietEnv } });
    const seen = JSON.parse(out.trim().split('\n').at(-1) as string) as { version: string; tags: Record<string, string>; files: Record<string, string> };
    const scanned = await scanModel(join(work, 'v2'));
    expect(seen.version).toBe('2');
    expect(seen.tags['modelci.digest']).toBe(second.digest);
    expect(seen.files).toEqual(Object.fromEntries(scanned.files.map((file) => [file.path, file.digest])));
  });
});

/** Where the server keeps the bytes of a blob, so a test can corrupt them. */
async function storedCopy(backend: Backend, digest: string): Promise<string> {
  const hex = digest.slice('sha256:'.length);
  if (backend.kind === 'file') return join(backend.storage, 'blobs', 'sha256', hex.slice(0, 2), hex);
  if (backend.kind === 'oci') return join(backend.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
  for (const path of await listTree(backend.storage)) {
    if (path.endsWith('/model/model.bin') && sha256(await readFile(join(backend.storage, path))) === digest) return join(backend.storage, path);
  }
  throw new Error(`no stored copy of ${digest}`);
}
