import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanModel } from '../../shared/registry/model-files.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { sleep, startWorker, workerCommand } from './child.js';
import { availableBackends, makeModel, startBackend, tempDir, type Backend } from './fixtures.js';

const KILLS = 20;
const SEED = Number(process.env.MODELCI_CRASH_SEED ?? 20261123);

/**
 * A push killed with SIGKILL anywhere must leave nothing that looks like a version: every
 * version the registry lists pulls back with all digests verified, and the next push completes.
 */
describe.each(availableBackends())('%s registry: pushes killed at random points', (kind) => {
  let backend: Backend;
  let work: string;

  beforeAll(async () => {
    backend = await startBackend(kind);
    work = await tempDir();
  });

  afterAll(async () => {
    await backend?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it(`leaves no partial version after ${KILLS} SIGKILLs, and the next push completes`, async () => {
    const registry = backend.open();
    const worker = await workerCommand('push-worker.ts');
    const random = seededRandom(SEED + kind.length);
    // Enough bytes that a kill often lands mid-upload; chunked uploads on OCI.
    const env = { CHUNK_SIZE: String(128 << 10) };
    const size = 1 << 20;

    // How long one uninterrupted push takes after the worker is loaded: the kill window.
    const calibration = await makeModel(join(work, 'calibrate'), 'calibrate', size);
    const timed = startWorker(worker, [backend.uri, 'crash', calibration], env);
    await timed.ready;
    const started = performance.now();
    const finished = await timed.done;
    expect(finished.code, finished.stderr).toBe(0);
    const window = performance.now() - started;

    let landed = 0;
    for (let attempt = 0; attempt < KILLS; attempt++) {
      const model = await makeModel(join(work, `m${attempt}`), `crash-${attempt}`, size);
      const push = startWorker(worker, [backend.uri, 'crash', model], env);
      await push.ready;
      await sleep(random() * window * 1.1);
      push.child.kill('SIGKILL');
      const result = await push.done;
      if (result.code === 0) landed++;
      // Whatever the registry shows right after a kill must be a whole version.
      const versions = await registry.list('crash');
      expect(versions.every((version) => /^sha256:[0-9a-f]{64}$/.test(version.digest))).toBe(true);
    }

    const final = await makeModel(join(work, 'final'), 'final', size);
    const pushed = await registry.push({ name: 'crash', path: final });
    expect(pushed.created).toBe(true);
    expect(pushed.digest).toBe((await scanModel(final)).digest);

    const versions = await registry.list('crash');
    expect(versions.at(-1)?.version).toBe(pushed.version);
    // Killed pushes are either absent or complete; none was reported done and then lost.
    expect(versions.length).toBeGreaterThanOrEqual(landed + 2);
    expect(new Set(versions.map((version) => version.version)).size).toBe(versions.length);
    for (const version of versions) {
      const pulled = await registry.pull('crash', version.version, join(work, `pulled-${version.version}`));
      expect(pulled.digest).toBe(version.digest);
    }
    // Some kills must have landed mid-push, or the test proved nothing.
    expect(versions.length - 2).toBeLessThan(KILLS);
  }, 300_000);
});
