import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snappyDecompress } from '../../shared/data/snappy.js';
import { hasPythonModule, pythonPath } from '../helpers/python.js';
import { tempDir } from '../validate-data/helpers.js';

// Snappy blocks made by Arrow's own codec (pyarrow.compress), decompressed by ours.
const WRITE = `
import sys, random, struct, pyarrow as pa
out = sys.argv[1]
rnd = random.Random(7)
cases = {
    "empty": b"",
    "one": b"x",
    "text": b"".join(b"the %d quick brown foxes, " % (i % 37) for i in range(20000)),
    "random": bytes(rnd.getrandbits(8) for _ in range(300000)),
    "doubles": b"".join(struct.pack("<d", rnd.gauss(0, 1)) for _ in range(40000)),
    "runs": b"".join(bytes([i % 251]) * (1 + i % 97) for i in range(5000)),
    "far": bytes(rnd.getrandbits(8) for _ in range(70000)) * 3,
}
for name, data in cases.items():
    open(out + "/" + name + ".raw", "wb").write(data)
    open(out + "/" + name + ".snappy", "wb").write(pa.compress(data, codec="snappy", asbytes=True))
`;

const dir = tempDir('modelci-snappy-');
const CASES = ['empty', 'one', 'text', 'random', 'doubles', 'runs', 'far'];

describe.skipIf(!hasPythonModule('pyarrow'))('snappyDecompress', () => {
  execFileSync(pythonPath(), ['-c', WRITE, dir]);

  for (const name of CASES) {
    it(`gives back Arrow's input: ${name}`, () => {
      const raw = readFileSync(join(dir, `${name}.raw`));
      const output = new Uint8Array(raw.length);
      snappyDecompress(readFileSync(join(dir, `${name}.snappy`)), output);
      expect(Buffer.from(output).equals(raw)).toBe(true);
    });
  }

  it('refuses a block cut short, a length that disagrees with the page, and a copy from before the start', () => {
    const block = readFileSync(join(dir, 'text.snappy'));
    const length = readFileSync(join(dir, 'text.raw')).length;
    expect(() => snappyDecompress(block.subarray(0, block.length - 3), new Uint8Array(length))).toThrow(/snappy/);
    expect(() => snappyDecompress(block, new Uint8Array(length + 1))).toThrow(/snappy block holds \d+ bytes where the page header says/);
    expect(() => snappyDecompress(new Uint8Array([]), new Uint8Array(0))).toThrow(/no valid length/);
    // Length 8, then a 1-byte-offset copy of 4 bytes from 1 byte back with nothing written yet.
    expect(() => snappyDecompress(new Uint8Array([8, 0b0000_0001, 1]), new Uint8Array(8))).toThrow(/copy from 1 bytes back at byte 0/);
    // Length 4, then a literal of 5 bytes.
    expect(() => snappyDecompress(new Uint8Array([4, 4 << 2, 1, 2, 3, 4, 5]), new Uint8Array(4))).toThrow(/literal runs past/);
  });
});
