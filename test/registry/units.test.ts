import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scanModel } from '../../shared/registry/model-files.js';
import { throttledProgress } from '../../shared/registry/http.js';
import { openRegistry, redactUri } from '../../shared/registry/index.js';
import { layerMediaType } from '../../shared/registry/oci-modelpack.js';
import { parseChallenge } from '../../shared/registry/oci-client.js';
import { makeModel, tempDir } from './fixtures.js';

describe('model digest', () => {
  it('is the sha256 of what `sha256sum` prints for the sorted files', async () => {
    const dir = await makeModel(await tempDir(), 'digest');
    const shell = execSync("find . -type f | sed 's|^\\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum", { cwd: dir, encoding: 'utf8' }).split(' ')[0];
    expect((await scanModel(dir)).digest).toBe(`sha256:${shell}`);
  });
});

describe('registry URIs', () => {
  it.each([
    { uri: 'file:///srv/models', kind: 'file', shown: 'file:///srv/models' },
    { uri: 'file://relative/dir', kind: 'file', shown: 'file:///work/relative/dir' },
    { uri: 'oci://ghcr.io/acme/models', kind: 'oci', shown: 'oci://ghcr.io/acme/models' },
    { uri: 'oci://127.0.0.1:5000', kind: 'oci', shown: 'oci://127.0.0.1:5000' },
    { uri: 'mlflow+https://mlflow.example.com', kind: 'mlflow', shown: 'mlflow+https://mlflow.example.com' },
    { uri: 'mlflow+http://localhost:5000', kind: 'mlflow', shown: 'mlflow+http://localhost:5000' },
  ])('$uri opens the $kind backend', ({ uri, kind, shown }) => {
    const registry = openRegistry(uri, { cwd: '/work', env: {} });
    expect(registry.kind).toBe(kind);
    expect(registry.displayUri).toBe(shown);
  });

  it.each([
    ['no scheme', '/srv/models'],
    ['an unknown scheme', 'ftp://host/x'],
    ['credentials in the URI', 'oci://user:pw@ghcr.io/acme'],
    ['an upper-case namespace', 'oci://ghcr.io/Acme'],
    ['plain HTTP MLflow on a network host', 'mlflow+http://10.0.0.5:5000'],
  ])('rejects %s as a usage error', (_name, uri) => {
    expect(() => openRegistry(uri, { cwd: '/work', env: {} })).toThrow(expect.objectContaining({ kind: 'usage', code: 'registry-bad-uri' }));
  });

  it('allows plain HTTP MLflow off loopback only with --insecure', () => {
    expect(openRegistry('mlflow+http://10.0.0.5:5000', { cwd: '/work', env: {}, insecure: true }).kind).toBe('mlflow');
  });

  it('never repeats credentials when it complains about them', () => {
    expect(redactUri('oci://user:pw@ghcr.io/acme')).toBe('oci://***@ghcr.io/acme');
    expect(() => openRegistry('oci://user:pw@ghcr.io/acme', { cwd: '/', env: {} })).toThrow(expect.not.objectContaining({ message: expect.stringContaining('pw') }));
  });
});

describe('WWW-Authenticate', () => {
  it.each([
    {
      header: 'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/churn:pull,push"',
      expected: { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/churn:pull,push' } },
    },
    { header: 'Basic realm="Registry Realm"', expected: { scheme: 'basic', params: { realm: 'Registry Realm' } } },
    { header: 'Bearer realm=https://auth.example/token,service=reg', expected: { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'reg' } } },
  ])('parses $header', ({ header, expected }) => {
    expect(parseChallenge(header)).toEqual(expected);
  });
});

describe('ModelPack layer types', () => {
  it.each([
    ['model.safetensors', 'application/vnd.cncf.model.weight.v1.raw'],
    ['model.pkl', 'application/vnd.cncf.model.weight.v1.raw'],
    ['config.json', 'application/vnd.cncf.model.weight.config.v1.raw'],
    ['tokenizer/vocab.yaml', 'application/vnd.cncf.model.weight.config.v1.raw'],
    ['README.md', 'application/vnd.cncf.model.doc.v1.raw'],
    ['LICENSE', 'application/vnd.cncf.model.doc.v1.raw'],
    ['src/predict.py', 'application/vnd.cncf.model.code.v1.raw'],
  ])('%s is %s', (path, mediaType) => {
    expect(layerMediaType(path)).toBe(mediaType);
  });
});

describe('progress lines', () => {
  it('stay quiet for small transfers and always report the end of a large one', () => {
    const lines: string[] = [];
    const small = throttledProgress((line) => lines.push(line), 2000, 1 << 20);
    small('push', 1000, 1000);
    expect(lines).toEqual([]);
    const large = throttledProgress((line) => lines.push(line), 2000, 1 << 20);
    large('push', 1 << 20, 4 << 20);
    large('push', 2 << 20, 4 << 20);
    large('push', 4 << 20, 4 << 20);
    large('push', 4 << 20, 4 << 20);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^push: 1\.0\/4\.0 MiB \(25%, [\d.]+ MiB\/s\)$/);
    expect(lines[1]).toMatch(/^push: 4\.0\/4\.0 MiB \(100%/);
  });
});
