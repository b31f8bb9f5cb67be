import { createHash } from 'node:crypto';
import { mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readColumns } from '../../shared/data/index.js';
import { digestAhead, sha256File } from '../../shared/files/digest.js';

// validate-data's CSV reader hashes the bytes it reads, so the evidence need not read the file again.
const dir = mkdtempSync(join(tmpdir(), 'modelci-read-digest-'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('digests taken while reading', () => {
  it('answer sha256File after a whole CSV was read, and match the bytes', async () => {
    const text = `a,b\n${Array.from({ length: 300_000 }, (_, i) => `${i},x${i % 7}`).join('\n')}\n`;
    const file = join(dir, 'whole.csv');
    writeFileSync(file, text);
    await readColumns(file, ['a']);
    let reused = 0;
    expect(await sha256File(file, { reusedRead: () => reused++ })).toBe(sha256(text));
    expect(reused).toBe(1);
  });

  it('are not used once the file changed, even with the same size and modification time', async () => {
    const file = join(dir, 'changed.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    await readColumns(file, ['a']);
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'a,b\n3,4\n');
    utimesSync(file, atime, mtime);
    let reused = 0;
    expect(await sha256File(file, { reusedRead: () => reused++ })).toBe(sha256('a,b\n3,4\n'));
    expect(reused).toBe(0);
  });

  // Parquet is read row group by row group, so its digest is worked out on another thread beside it.
  const big = (seed: number) => {
    const bytes = Buffer.alloc(33 * 2 ** 20);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
    return bytes;
  };

  it('worked out ahead on another thread, answer sha256File for a large file', async () => {
    const file = join(dir, 'large.bin');
    const bytes = big(1);
    writeFileSync(file, bytes);
    digestAhead(file);
    let reused = 0;
    expect(await sha256File(file, { reusedRead: () => reused++ })).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(reused).toBe(1);
    // Taken once: the next ask hashes the file here.
    expect(await sha256File(file, { reusedRead: () => reused++ })).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(reused).toBe(1);
  });

  it('worked out ahead, are not used once the file changed, and small files are not hashed ahead', async () => {
    const file = join(dir, 'rewritten.bin');
    writeFileSync(file, big(2));
    digestAhead(file);
    const { atime, mtime } = statSync(file);
    const changed = big(3);
    writeFileSync(file, changed);
    utimesSync(file, atime, mtime);
    let reused = 0;
    expect(await sha256File(file, { reusedRead: () => reused++ })).toBe(createHash('sha256').update(changed).digest('hex'));
    expect(reused).toBe(0);

    const small = join(dir, 'small.bin');
    writeFileSync(small, 'tiny');
    digestAhead(small);
    expect(await sha256File(small, { reusedRead: () => reused++ })).toBe(sha256('tiny'));
    expect(reused).toBe(0);
  });
});
