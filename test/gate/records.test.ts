import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from '../../shared/registry/types.js';
import { availableBackends, makeEvidence, makeModel, startBackend, tempDir, type Backend } from '../registry/fixtures.js';

const MEDIA = 'application/vnd.in-toto+json';

describe.each(availableBackends())('records attached to a version on the %s registry', (kind) => {
  let backend: Backend;
  let registry: Registry;
  let work: string;

  beforeAll(async () => {
    backend = await startBackend(kind);
    registry = backend.open();
    work = await tempDir();
    await makeModel(join(work, 'v1'), 'one');
    await makeEvidence(join(work, 'evidence'));
    await registry.push({ name: 'churn', path: join(work, 'v1'), evidence: [{ name: 'train.json', absolute: join(work, 'evidence', 'train.json') }] });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('attaches records to an existing version and reads them back verified, sorted by name, evidence unchanged', async () => {
    const before = await registry.show('churn', '1');
    expect(await registry.readRecords('churn', '1')).toEqual([]);
    const second = await registry.attachRecord({ name: 'churn', version: '1', record: '20261206T120001Z-gate-staging.intoto.json', mediaType: MEDIA, content: Buffer.from('{"b":2}') });
    await registry.attachRecord({ name: 'churn', version: '1', record: '20261206T120000Z-gate-staging.intoto.json', mediaType: MEDIA, content: Buffer.from('{"a":1}') });
    expect(second).toEqual({ name: '20261206T120001Z-gate-staging.intoto.json', mediaType: MEDIA, size: 7, digest: 'sha256:' + (await import('node:crypto')).createHash('sha256').update('{"b":2}').digest('hex') });
    const records = await registry.readRecords('churn', '1');
    expect(records.map(({ record, content }) => [record.name, record.mediaType, content.toString()])).toEqual([
      ['20261206T120000Z-gate-staging.intoto.json', MEDIA, '{"a":1}'],
      ['20261206T120001Z-gate-staging.intoto.json', MEDIA, '{"b":2}'],
    ]);
    const after = await registry.show('churn', '1');
    expect(after.evidence).toEqual(before.evidence);
    expect(after.digest).toBe(before.digest);
    expect((await registry.list('churn')).map((version) => version.aliases)).toEqual([[]]);
  });

  it('refuses a second record of the same name and a name that is not a file name', async () => {
    await registry.attachRecord({ name: 'churn', version: '1', record: 'once.json', mediaType: MEDIA, content: Buffer.from('{}') });
    await expect(registry.attachRecord({ name: 'churn', version: '1', record: 'once.json', mediaType: MEDIA, content: Buffer.from('{"x":1}') })).rejects.toMatchObject({ code: 'registry-record-exists' });
    await expect(registry.attachRecord({ name: 'churn', version: '1', record: '../escape', mediaType: MEDIA, content: Buffer.from('{}') })).rejects.toMatchObject({ code: 'registry-bad-name' });
  });

  it('refuses a record for a version that does not exist', async () => {
    await expect(registry.attachRecord({ name: 'churn', version: '9', record: 'x.json', mediaType: MEDIA, content: Buffer.from('{}') })).rejects.toMatchObject({ code: 'registry-not-found' });
  });
});
