import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayValue } from '../../shared/text/display-value.js';
import { cli, tempDir } from '../validate-data/helpers.js';

describe('values in messages read like YAML, not Python', () => {
  it('shows lists, booleans, null and strings the way modelci.yaml would write them', () => {
    expect(displayValue(['large', 'medium', 'small'])).toBe('[large, medium, small]');
    expect(displayValue(true)).toBe('true');
    expect(displayValue(false)).toBe('false');
    expect(displayValue(null)).toBe('null');
    expect(displayValue([1, 2.5])).toBe('[1, 2.5]');
    expect(displayValue('a, b')).toBe('"a, b"');
    expect(displayValue('true')).toBe('"true"');
    expect(displayValue('42')).toBe('"42"');
    expect(displayValue('')).toBe('""');
    expect(displayValue({ a: 1 })).toBe('{"a":1}');
  });

  it('failed enum and required constraints name their values as YAML would', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.csv'), 'size,flag\nhuge,\n');
    writeFileSync(join(dir, 'schema.json'), JSON.stringify({ fields: [{ name: 'size', type: 'string', constraints: { enum: ['large', 'medium', 'small'] } }, { name: 'flag', type: 'string', constraints: { required: true } }] }));
    const run = await cli(dir, ['validate-data', '--data', 'data.csv', '--schema', 'schema.json', '--format', 'json']);
    const notes = (run.json!.errors as { note?: string; message: string }[]).map((error) => `${error.note ?? ''} ${error.message}`).join('\n');
    expect(notes).toContain('constraint "enum" is "[large, medium, small]"');
    expect(notes).toContain('constraint "required" is "true"');
    expect(notes).not.toMatch(/True|\['/);
  });
});
