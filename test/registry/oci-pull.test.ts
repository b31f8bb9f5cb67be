import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openRegistry } from '../../shared/registry/index.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { dockerRegistryBinary, startDockerRegistry, type DockerRegistryServer } from '../servers/docker-registry.js';
import { seededBytes, tempDir } from './fixtures.js';
import { startRedirectFront, type RedirectFront } from './redirect-front.js';

const USER = 'puller';
const PASSWORD = 'pw-3f9a-never-in-logs';
// Above the size from which blobs are read on a connection of their own (RAW_MIN in oci.ts).
const WEIGHTS = seededBytes('oci-pull/weights', (3 << 20) + 12345);
const WEIGHTS_DIGEST = `sha256:${createHash('sha256').update(WEIGHTS).digest('hex')}`;

describe.runIf(dockerRegistryBinary())('OCI pull of large blobs', () => {
  let upstream: DockerRegistryServer;
  let front: RedirectFront;
  let work: string;

  beforeAll(async () => {
    work = await tempDir();
    await mkdir(join(work, 'model'));
    await writeFile(join(work, 'model', 'model.bin'), WEIGHTS);
    upstream = await startDockerRegistry();
    await openRegistry(`oci://${upstream.host}/team`, { cwd: work, env: {} }).push({ name: 'churn', path: join(work, 'model') });
    front = await startRedirectFront(upstream.host, { user: USER, password: PASSWORD });
  });

  afterAll(async () => {
    await front?.stop();
    await upstream?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  beforeEach(() => {
    front.mode = 'length';
    front.blobRequests.length = 0;
    front.storageRequests.length = 0;
  });

  const viaFront = () => openRegistry(`oci://${front.host}/team`, { cwd: work, env: {}, username: USER, password: PASSWORD });
  const leftovers = async (): Promise<string[]> => (await readdir(work)).filter((entry) => entry.includes('.pull-'));

  it('pulls straight from docker-registry and verifies the bytes', async () => {
    const dest = join(work, 'direct');
    await openRegistry(`oci://${upstream.host}/team`, { cwd: work, env: {} }).pull('churn', '1', dest);
    expect((await readFile(join(dest, 'model.bin'))).equals(WEIGHTS)).toBe(true);
  });

  it('answers the challenge, then follows the redirect to another host without the credentials', async () => {
    const dest = join(work, 'redirected');
    await viaFront().pull('churn', '1', dest);
    expect((await readFile(join(dest, 'model.bin'))).equals(WEIGHTS)).toBe(true);
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    expect(front.blobRequests.map((request) => request.authorization)).toEqual([undefined, basic]);
    // One GET on a connection of its own (the pooled client keeps connections alive), no credentials.
    expect(front.storageRequests).toEqual([{ path: `/bucket/${WEIGHTS_DIGEST}?signature=s3cr3t`, authorization: undefined, connection: 'close' }]);
  });

  it('takes a chunked answer through the pooled client, still verified', async () => {
    front.mode = 'chunked';
    const dest = join(work, 'chunked');
    await viaFront().pull('churn', '1', dest);
    expect((await readFile(join(dest, 'model.bin'))).equals(WEIGHTS)).toBe(true);
    expect(front.storageRequests.map((request) => request.connection)).toEqual(['close', 'keep-alive']);
    expect(front.storageRequests.every((request) => request.authorization === undefined)).toBe(true);
  });

  it('fails a body cut short after retries, exit 3, and writes nothing', async () => {
    front.mode = 'truncate';
    const dest = join(work, 'truncated');
    const error = (await viaFront().pull('churn', '1', dest).catch((caught: unknown) => caught)) as Error & { hint?: string };
    expect(error).toMatchObject({ kind: 'environment', code: 'registry-unreachable', exitCode: 3 });
    expect(error.message).toMatch(/closed after \d+ of \d+ bytes/);
    expect(`${error.message} ${error.hint}`).not.toContain('s3cr3t');
    expect(front.storageRequests).toHaveLength(3);
    expect(existsSync(dest)).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('fails a corrupt blob with a digest error through the CLI, exit 3, and writes nothing', async () => {
    const hex = WEIGHTS_DIGEST.slice('sha256:'.length);
    const stored = join(upstream.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
    const bytes = await readFile(stored);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x80;
    await writeFile(stored, bytes);
    try {
      const run = await runCliCaptured(['registry', 'pull', '--registry', `oci://${front.host}/team`, '--name', 'churn', '--version=1', '--dest', 'corrupt', '--username', USER, '--password', PASSWORD, '--format', 'json'], { cwd: work });
      expect(run.code).toBe(3);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'error', error: { code: 'registry-digest-mismatch' } });
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
      expect(existsSync(join(work, 'corrupt'))).toBe(false);
      expect(await leftovers()).toEqual([]);
    } finally {
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x80;
      await writeFile(stored, bytes);
    }
  });
});
