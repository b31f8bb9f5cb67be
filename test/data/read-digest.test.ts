import { createHash } from 'node:crypto';
import { mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readColumns } from '../../shared/data/index.js';
import { sha256File } from '../../shared/files/digest.js';

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
});
