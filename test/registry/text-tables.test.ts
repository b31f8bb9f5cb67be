import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textTable } from '../../shared/text/text-table.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { makeBoundEvidence, makeModel, tempDir } from './fixtures.js';

describe('registry commands print aligned tables in text mode', () => {
  it('aligns columns under an underlined header, without trailing spaces', () => {
    expect(textTable(['a', 'long header'], [['value', 'x'], ['v', '']])).toEqual(['a      long header', '-----  -----------', 'value  x', 'v']);
  });

  it('ls, show and history list versions, files, evidence, metrics and alias moves', async () => {
    const cwd = await tempDir('modelci-text-tables-');
    await makeModel(join(cwd, 'model'), 'tables');
    await makeBoundEvidence(cwd, join(cwd, 'model'));
    const registry = ['--registry', 'file://registry', '--name', 'churn'];
    const text = async (argv: string[]) => {
      const run = await runCliCaptured(argv, { cwd, env: { USER: 'tester' } });
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    await text(['push-model', ...registry, '--path', 'model', '--alias', 'champion']);
    expect(await text(['registry', 'ls', ...registry])).toMatch(/^ {3}version +digest +aliases +created\n {3}-+ +-+ +-+ +-+\n {3}1 +[0-9a-f]{12} +champion +\d{4}-\d\d-\d\dT/m);
    const show = await text(['registry', 'show', ...registry, '--version', 'champion']);
    expect(show).toMatch(/^ {3}file +bytes +digest$/m);
    expect(show).toMatch(/^ {3}evidence +step +status +digest$/m);
    expect(show).toMatch(/^ {3}evaluate\.json +evaluate +passed +[0-9a-f]{12}$/m);
    expect(show).toMatch(/^ {3}metric +value$/m);
    expect(show).not.toMatch(/ +$/m);
    expect(await text(['registry', 'history', ...registry])).toMatch(/^ {3}\d{4}-\S+ +champion +- +1 +tester$/m);
  });
});
