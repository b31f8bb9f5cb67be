import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadParams, parseOverrides } from '../../shared/train/params.js';
import { tempDir, writeFiles } from './helpers.js';

describe('params', () => {
  it.each([
    { entry: 'lr=0.1', expected: ['lr', 0.1] },
    { entry: 'epochs=20', expected: ['epochs', 20] },
    { entry: 'shuffle=false', expected: ['shuffle', false] },
    { entry: 'name=churn v2', expected: ['name', 'churn v2'] },
    { entry: 'model.layers=[64, 32]', expected: ['model.layers', [64, 32]] },
    { entry: 'url=http://x?a=b', expected: ['url', 'http://x?a=b'] },
    { entry: 'empty=', expected: ['empty', ''] },
  ])('parses the override $entry', ({ entry, expected }) => {
    expect(parseOverrides([entry])).toEqual([expected]);
  });

  it.each([
    { name: 'YAML', file: 'params.yaml', text: 'lr: 0.1\nmodel:\n  depth: 3\n  kind: tree\n' },
    { name: 'JSON', file: 'params.json', text: '{"lr": 0.1, "model": {"depth": 3, "kind": "tree"}}' },
  ])('reads a $name params file, flattened, with overrides on top', async ({ file, text }) => {
    const dir = await tempDir();
    try {
      await writeFiles(dir.path, { [file]: text });
      const params = await loadParams({ path: join(dir.path, file), display: file }, ['model.depth=5', 'seed=1']);
      expect(params).toEqual({ lr: 0.1, 'model.depth': 5, 'model.kind': 'tree', seed: 1 });
      expect(await loadParams({ path: join(dir.path, file), display: file }, ['model={depth: 1}'])).toEqual({ lr: 0.1, 'model.depth': 1 });
    } finally {
      await dir.cleanup();
    }
  });

  it('rejects a params file that is not a mapping', async () => {
    const dir = await tempDir();
    try {
      await writeFiles(dir.path, { 'p.yaml': '- 1\n- 2\n' });
      await expect(loadParams({ path: join(dir.path, 'p.yaml'), display: 'p.yaml' }, [])).rejects.toMatchObject({ kind: 'usage', code: 'train-params-shape' });
    } finally {
      await dir.cleanup();
    }
  });
});
