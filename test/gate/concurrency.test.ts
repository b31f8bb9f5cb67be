import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

let project: GateProject;

beforeAll(async () => {
  project = await gateProject();
  await project.config('stages:\n  - name: staging\n    requires: [train, evaluate]\n');
});

afterAll(async () => {
  await project.remove();
});

describe('concurrent gate runs on the file registry', () => {
  it('10 runs promoting different versions to one stage: the history stays linear and each run moved from what it checked, or denied', async () => {
    const versions: string[] = [];
    for (let i = 0; i < 10; i++) versions.push(await project.push(`model-${i}`));
    const runs = await Promise.all(versions.map((version) => project.cli(gateArgs(project, 'staging', version))));
    const history = await project.registry.history('churn', 'staging');
    expect(history.map((event) => event.seq)).toEqual(history.map((_, index) => index + 1));
    history.forEach((event, index) => expect(event.from ?? null).toBe(index === 0 ? null : history[index - 1]!.to));
    let allowed = 0;
    for (const run of runs) {
      expect([0, 1], run.stderr).toContain(run.code);
      const moves = run.json.moves as { from: string | null; to: string; seq: number }[];
      if (run.code === 0) {
        allowed++;
        expect(moves).toHaveLength(1);
        expect(moves[0]!.from).toBe(run.json.previousVersion);
        expect(history.find((event) => event.seq === moves[0]!.seq)).toMatchObject({ to: run.json.version });
      } else {
        expect(moves).toEqual([]);
        expect((run.json.checks as { name: string; passed: boolean; detail: string }[]).find((check) => !check.passed)).toMatchObject({ name: 'alias-move', detail: expect.stringContaining('compare-and-set') });
      }
    }
    expect(allowed).toBe(history.length);
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(await project.registry.getAlias('churn', 'staging')).toBe(history.at(-1)!.to);
  });
});
