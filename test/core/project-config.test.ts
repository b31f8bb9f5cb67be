import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../shared/runner/project-config.js';
import { ModelciError } from '../../shared/errors.js';
import { FIXTURE_STEPS } from '../helpers/fixture-steps.js';

const steps = new Map(FIXTURE_STEPS.map((step) => [step.name, step]));

function configError(text: string): ModelciError {
  try {
    parseProjectConfig('modelci.yaml', text, steps);
  } catch (error) {
    if (error instanceof ModelciError) return error;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('modelci.yaml', () => {
  it('reads step sections, out-dir and the pipeline', () => {
    const config = parseProjectConfig('modelci.yaml', 'version: 1\nout-dir: build/ci\npipeline: [copy, note]\ncopy:\n  source: a.txt\n  times: 2\n  tags: [x, y]\n', steps);
    expect(config.outDir).toBe('build/ci');
    expect(config.pipeline.map((entry) => entry.step)).toEqual(['copy', 'note']);
    expect(config.sections.get('copy')).toEqual({ source: 'a.txt', times: 2, tags: ['x', 'y'] });
  });

  it.each([
    { name: 'an unterminated quote', text: 'copy:\n  source: "a.txt\n  times: 2\n', code: 'config-yaml-syntax', line: 4 },
    { name: 'a bad indent', text: 'copy:\n  source: a\n   times: 2\n', code: 'config-yaml-syntax', line: 2 },
    { name: 'tab-indented YAML', text: 'copy:\n\tsource: a\n', code: 'config-yaml-syntax', line: 2 },
    { name: 'unknown step key', text: 'version: 1\ncopi:\n  source: a\n', code: 'config-unknown-key', line: 2, column: 1, hint: "did you mean 'copy'?" },
    { name: 'unknown input key', text: 'copy:\n  source: a\n  tims: 3\n', code: 'config-unknown-key', line: 3, column: 3, hint: "did you mean 'times'?" },
    { name: 'wrong type', text: 'copy:\n  source: a\n  times: many\n', code: 'config-wrong-type', line: 3, column: 10 },
    { name: 'fraction for an integer', text: 'copy:\n  times: 1.5\n', code: 'config-wrong-type', line: 2 },
    { name: 'enum outside its choices', text: 'copy:\n  mode: maybe\n', code: 'config-wrong-type', line: 2 },
    { name: 'section that is not a mapping', text: 'copy: [1, 2]\n', code: 'config-wrong-type', line: 1 },
    { name: 'unknown pipeline step', text: 'pipeline:\n  - copy\n  - notes\n', code: 'config-unknown-step', line: 3, hint: "did you mean 'note'?" },
    { name: 'duplicate key', text: 'copy:\n  source: a\ncopy:\n  source: b\n', code: 'config-yaml-syntax', line: 3 },
    { name: 'unsupported version', text: 'version: 2\n', code: 'config-version', line: 1 },
  ])('refuses $name with file, line and a hint', ({ text, code, line, column, hint }) => {
    const error = configError(text);
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(2);
    expect(error.location?.file).toBe('modelci.yaml');
    expect(error.location?.line).toBe(line);
    if (column !== undefined) expect(error.location?.column).toBe(column);
    if (hint) expect(error.hint).toContain(hint);
  });

  it('refuses a billion-laughs alias bomb without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const error = configError(`${levels.join('\n')}\n`);
    expect(error.code).toBe('config-alias-bomb');
    expect(error.exitCode).toBe(2);
  });

  it('accepts a few ordinary aliases', () => {
    const config = parseProjectConfig('modelci.yaml', 'x-common: &tags [a, b]\ncopy:\n  source: a\n  tags: *tags\n', steps);
    expect(config.sections.get('copy')).toEqual({ source: 'a', tags: ['a', 'b'] });
  });

  it('treats an empty file as no settings', () => {
    expect(parseProjectConfig('modelci.yaml', '', steps).sections.size).toBe(0);
  });
});
