import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, filesUnder, tempDir } from './helpers.js';

/** Done-when 2: nasty input gets a clear exit-2 message with the line, and leaves nothing half-written. */
const SCHEMA = JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }] });

const cases: { name: string; content: () => Buffer | string; code: string; line: number; text: RegExp }[] = [
  { name: 'unterminated quote', content: () => 'id,name\n1,a\n2,"never closed\n3,c\n', code: 'csv-unterminated-quote', line: 3, text: /unterminated quoted field starting at line 3/ },
  { name: 'invalid UTF-8', content: () => Buffer.concat([Buffer.from('id,name\n1,a\n2,b\n3,caf'), Buffer.from([0xe9]), Buffer.from('\n')]), code: 'data-invalid-utf8', line: 4, text: /invalid UTF-8 at line 4/ },
  { name: 'a binary file', content: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), code: 'data-binary', line: 3, text: /looks like a binary file/ },
  { name: 'an empty file', content: () => '', code: 'data-empty', line: 1, text: /is empty/ },
  { name: 'a 10 MB single field', content: () => `id,name\n1,${'x'.repeat(10 * 1024 * 1024)}\n`, code: 'csv-field-too-large', line: 2, text: /row at line 2 is longer than 1 MiB/ },
  { name: 'a 10 MB quoted field that never closes', content: () => `id,name\n1,"${'x'.repeat(10 * 1024 * 1024)}\n`, code: 'csv-unterminated-quote', line: 2, text: /still open after 1 MiB/ },
];

describe('validate-data refuses nasty input with exit 2', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'data.csv'), c.content());
      writeFileSync(join(dir, 'schema.json'), SCHEMA);
      const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--format', 'json']);
      expect(run.code).toBe(2);
      const error = (run.json as { status: string; error: { code: string; message: string; hint?: string; location?: { file: string; line?: number } } }).error;
      expect(run.json?.status).toBe('error');
      expect(error.code).toBe(c.code);
      expect(error.message).toMatch(c.text);
      expect(error.location).toEqual({ file: 'data.csv', line: c.line });
      expect(error.hint).toBeTruthy();
      // The text front door says where: data.csv:<line>: message.
      expect(run.stderr).toContain(`data.csv:${c.line}`);
      expect(filesUnder(join(dir, '.modelci')).filter((file) => !file.endsWith('summary.md'))).toEqual([]);
    });
  }

  it('infer-schema leaves no schema behind when the data is broken', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.csv'), 'id,name\n1,"open\n');
    const run = await cli(dir, ['infer-schema', '--data', 'data.csv', '--output', 'schema.yaml']);
    expect(run.code).toBe(2);
    expect(filesUnder(dir).map((file) => file.slice(dir.length + 1)).filter((file) => !file.startsWith('.modelci/summary'))).toEqual(['data.csv']);
  });
});
