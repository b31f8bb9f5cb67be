import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readAction } from '../helpers/github-runner.js';
import { repoRoot } from '../helpers/python.js';

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { permissions?: unknown; steps: Step[] }>;
}

const workflow = async (name: string) => parse(await readFile(join(repoRoot, 'examples/workflows/github', name), 'utf8')) as Workflow;

/** The action.yml a `uses: modelci/modelci[/path]@v0` names, in this repository. */
function actionFile(uses: string): string {
  const path = uses.replace(/^modelci\/modelci/, '').replace(/@.*$/, '').replace(/^\//, '');
  return path ? `${path}/action.yml` : 'action.yml';
}

describe('the fork-safe pair of example workflows (examples/workflows/github)', () => {
  it('model-pr renders on pull_request with read-only permissions and no token; model-report posts on workflow_run of it with only actions: read and pull-requests: write', async () => {
    const pr = await workflow('model-pr.yml');
    const report = await workflow('model-report.yml');
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.permissions).toEqual({ contents: 'read' });
    const render = Object.values(pr.jobs).flatMap((job) => job.steps).find((step) => step.uses?.startsWith('modelci/modelci/actions/report@'));
    expect(render?.with).toMatchObject({ phase: 'render' });
    expect(render?.with).not.toHaveProperty('token');
    expect(JSON.stringify(pr)).not.toContain('secrets.');

    expect(report.on).toEqual({ workflow_run: { workflows: [pr.name], types: ['completed'] } });
    expect(report.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    const steps = Object.values(report.jobs).flatMap((job) => job.steps);
    // Nothing from the pull request is checked out or run where the write token is.
    expect(steps.some((step) => step.uses?.startsWith('actions/checkout'))).toBe(false);
    const download = steps.find((step) => step.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toMatchObject({ name: 'modelci-report-bundle', 'run-id': '${{ github.event.workflow_run.id }}' });
    const post = steps.find((step) => step.uses?.startsWith('modelci/modelci/actions/report@'));
    expect(post?.with).toMatchObject({ phase: 'post', evidence: download?.with?.path });
    expect(steps.indexOf(download!)).toBeLessThan(steps.indexOf(post!));
  });

  it('gives the modelci actions only inputs their action.yml declares, with values the step accepts', async () => {
    for (const name of ['model-pr.yml', 'model-report.yml']) {
      const steps = Object.values((await workflow(name)).jobs).flatMap((job) => job.steps).filter((step) => step.uses?.startsWith('modelci/modelci'));
      expect(steps.length, name).toBeGreaterThan(0);
      for (const step of steps) {
        const { inputs } = await readAction(repoRoot, actionFile(step.uses!));
        for (const input of Object.keys(step.with ?? {})) expect(Object.keys(inputs), `${name}: ${step.uses} with ${input}`).toContain(input);
      }
    }
  });
});
