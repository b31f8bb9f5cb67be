import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSettings, parseProjectConfig } from '../../shared/runner/project-config.js';
import { defineStep } from '../../shared/runner/types.js';
import { ModelciError } from '../../shared/errors.js';

/** A step with one flat input and two structured settings, as validate-data's `drift:` or compare's policy. */
const tunedStep = defineStep({
  name: 'tuned',
  description: 'A step with nested settings.',
  inputs: z.object({ data: z.string().optional().describe('A flat input.') }),
  settings: {
    limits: z.record(z.string(), z.object({ min: z.number().optional(), max: z.number().optional() }).strict()),
    mode: z.enum(['strict', 'loose']).default('strict'),
  },
  outputs: {},
  async run() {
    return { status: 'passed', summary: '', data: {} };
  },
});
const steps = new Map([[tunedStep.name, tunedStep]]);

function refusal(text: string): ModelciError {
  try {
    parseProjectConfig('modelci.yaml', text, steps);
  } catch (error) {
    if (error instanceof ModelciError) return error;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

describe('structured step settings in modelci.yaml', () => {
  it('keeps flat inputs and settings apart, settings parsed by their schemas', () => {
    const config = parseProjectConfig('modelci.yaml', 'tuned:\n  data: a.csv\n  limits:\n    roc_auc: {min: 0.7}\n', steps);
    expect(config.sections.get('tuned')).toEqual({ data: 'a.csv' });
    expect(config.settings.get('tuned')).toEqual({ limits: { roc_auc: { min: 0.7 } } });
  });

  it('refuses a wrong value deep inside a setting at its line and column', () => {
    const error = refusal('tuned:\n  limits:\n    roc_auc:\n      min: high\n');
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('config-wrong-type');
    expect(error.message).toContain("'tuned.limits.roc_auc.min'");
    expect(error.location).toEqual({ file: 'modelci.yaml', line: 4, column: 12 });
  });

  it('refuses an unknown key inside a setting, pointing at the key', () => {
    const error = refusal('tuned:\n  limits:\n    roc_auc: {min: 0.7, mxa: 1}\n');
    expect(error.code).toBe('config-unknown-key');
    expect(error.message).toContain("unknown key 'mxa'");
    expect(error.location).toMatchObject({ line: 3, column: 25 });
  });

  it('still refuses a key that is neither an input nor a setting, suggesting both kinds', () => {
    const error = refusal('tuned:\n  limit: {}\n');
    expect(error.code).toBe('config-unknown-key');
    expect(error.hint).toContain("did you mean 'limits'?");
  });

  it('hands run() the values and a locator for errors found later', () => {
    const config = parseProjectConfig('modelci.yaml', 'tuned:\n  mode: loose\n  limits:\n    log_loss:\n      max: 0.6\n', steps);
    const settings = configSettings(config, 'tuned')!;
    expect(settings.values).toEqual({ mode: 'loose', limits: { log_loss: { max: 0.6 } } });
    expect(settings.locate(['limits', 'log_loss', 'max'])).toEqual({ file: 'modelci.yaml', line: 5, column: 12 });
    expect(settings.locate(['limits', 'accuracy'])).toEqual({ file: 'modelci.yaml', line: 4, column: 5 });
  });
});
