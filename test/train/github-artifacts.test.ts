import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GithubArtifactStore, type ArtifactClientLike } from '../../shared/platform/github-artifacts.js';

function fakeClient() {
  const calls: unknown[][] = [];
  const client: ArtifactClientLike = {
    async uploadArtifact(...args) {
      calls.push(args);
      return { id: 42, size: 1234, digest: 'abc' };
    },
  };
  return { calls, client: async () => client };
}

describe('GithubArtifactStore', () => {
  const runnerEnv = { ACTIONS_RUNTIME_TOKEN: 'token', ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/' };

  it('uploads through the artifact client and returns its id and size', async () => {
    const { calls, client } = fakeClient();
    const store = new GithubArtifactStore({ env: { ...runnerEnv, MODELCI_ARTIFACT_RETENTION_DAYS: '7' }, client });
    expect(await store.upload('model', ['/w/out/model.json'], '/w')).toEqual({ id: 42, size: 1234 });
    expect(calls).toEqual([['model', ['/w/out/model.json'], '/w', { retentionDays: 7 }]]);
  });

  it('skips with a warning outside a GitHub Actions job step', async () => {
    const { calls, client } = fakeClient();
    const warnings: string[] = [];
    const store = new GithubArtifactStore({ env: {}, client, warn: (m) => warnings.push(m) });
    expect(await store.upload('model', ['/w/a'], '/w')).toBeUndefined();
    expect(calls).toEqual([]);
    expect(warnings[0]).toContain('ACTIONS_RUNTIME_TOKEN');
  });

  it('returns nothing for an empty file list', async () => {
    const { calls, client } = fakeClient();
    expect(await new GithubArtifactStore({ env: runnerEnv, client }).upload('model', [], '/')).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('imports @actions/artifact only on upload, keeping it out of the CLI cold start', async () => {
    const source = await readFile(new URL('../../shared/platform/github-artifacts.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import\s[^;]*from\s+'@actions\/artifact'/m);
    expect(source).toContain("await import('@actions/artifact')");
    const { DefaultArtifactClient } = await import('@actions/artifact');
    expect(typeof new DefaultArtifactClient().uploadArtifact).toBe('function');
  });
});
