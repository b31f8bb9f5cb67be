import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { gitlabTemplate } from '../../scripts/generate/gitlab-template.js';
import type { StepDefinition } from '../../shared/runner/types.js';

const step = (name: string, inputs: StepDefinition['inputs']): StepDefinition => ({ name, description: 'a step', inputs, outputs: {}, run: () => Promise.reject(new Error('not run')) });
const job = (text: string) => (parse(text.split('\n---\n')[1]!) as Record<string, Record<string, unknown>>)['$[[ inputs.job-name ]]']!;

describe('the GitLab component of the gate deploys to its stage\'s environment', () => {
  it('names the job\'s environment after the stage-name input and starts a deployment there; other steps have none', () => {
    const gate = step('gate', z.object({ 'stage-name': z.string().describe('the stage') }));
    expect(job(gitlabTemplate(gate)).environment).toEqual({ name: '$[[ inputs.stage-name ]]', action: 'start' });
    expect(job(gitlabTemplate(step('evaluate', z.object({ 'stage-name': z.string().describe('not a deployment') })))).environment).toBeUndefined();
  });

  it('refuses to generate a gate whose stage input was renamed, instead of a job with no environment', () => {
    const renamed = step('gate', z.object({ stage_name: z.string().describe('the stage') }));
    expect(() => gitlabTemplate(renamed)).toThrow("gate: the GitLab job's environment is named by the input 'stage-name', which the step no longer has");
  });
});
