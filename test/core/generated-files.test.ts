import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatedFiles } from '../../scripts/generate/generated-files.js';
import { loadSteps } from '../../shared/cli/step-catalog.js';

const STEPS = await loadSteps();
import { repoRoot } from '../helpers/python.js';

const files = generatedFiles(STEPS);

describe('files generated from the step schemas', () => {
  it.each([...files.keys()])('%s is current (run `npm run gen` if this fails)', (path) => {
    const committed = join(repoRoot, path);
    expect(existsSync(committed), `${path} is missing`).toBe(true);
    expect(readFileSync(committed, 'utf8')).toBe(files.get(path));
  });

  it('leaves no action or component behind for a removed step', () => {
    const actionDirs = readdirSync(join(repoRoot, 'actions'), { withFileTypes: true }).filter((entry) => entry.isDirectory());
    for (const entry of actionDirs) expect(files.has(`actions/${entry.name}/action.yml`), `actions/${entry.name} is stale`).toBe(true);
    for (const entry of readdirSync(join(repoRoot, 'gitlab/templates'))) expect(files.has(`gitlab/templates/${entry}`), `gitlab/templates/${entry} is stale`).toBe(true);
  });

  it.each([...files.keys()].filter((path) => path.endsWith('action.yml')))('%s runs on node24 and describes every input and output', (path) => {
    const action = parse(files.get(path)!);
    expect(action.runs.using).toBe('node24');
    for (const [name, input] of Object.entries<{ description?: string }>(action.inputs)) expect(input.description, `input ${name}`).toBeTruthy();
    for (const [name, output] of Object.entries<{ description?: string }>(action.outputs)) expect(output.description, `output ${name}`).toBeTruthy();
  });

  it('publishes every pipeline step as an action and a GitLab component', () => {
    for (const step of STEPS.filter((candidate) => candidate.published !== false)) {
      expect(files.has(`actions/${step.name}/action.yml`)).toBe(true);
      expect(files.has(`gitlab/templates/${step.name}.yml`)).toBe(true);
    }
  });
});

describe('GitLab component inputs', () => {
  it("refuses a step input named like one of the component's own (it would replace the job's stage)", async () => {
    const { z } = await import('zod');
    const { gitlabTemplate } = await import('../../scripts/generate/gitlab-template.js');
    const step = { ...STEPS[0]!, name: 'clash', inputs: z.object({ stage: z.string().optional().describe('a stage') }) };
    expect(() => gitlabTemplate(step)).toThrow(/'stage' collides with the GitLab component's own 'stage' input/);
  });
});
