import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStatementSchema, readAudits } from '../../shared/gate/audit.js';
import { parseProjectConfig } from '../../shared/runner/project-config.js';
import type { Registry } from '../../shared/registry/types.js';
import { availableBackends, makeBoundEvidence, makeModel, startBackend, tempDir, type Backend } from '../registry/fixtures.js';
import { gateArgs, gateProject, type GateProject } from './fixtures.js';

const STAGES = 'stages:\n  - name: staging\n    requires: [train, evaluate]\n';

describe('the audit record', () => {
  let project: GateProject;
  beforeAll(async () => {
    project = await gateProject();
    await project.config(STAGES);
  });
  afterAll(() => project.remove());

  it('is an in-toto Statement with a SLSA verification summary: subject digest, policy digest, result, and every check and move', async () => {
    const one = await project.push('one');
    const run = await project.cli(gateArgs(project, 'staging', one));
    expect(run.code, run.stderr).toBe(0);
    const [audit] = await readAudits(project.registry, 'churn', one);
    const statement = auditStatementSchema.parse(audit!.statement);
    const details = await project.registry.show('churn', one);
    const policy = parseProjectConfig(join(project.dir, 'modelci.yaml'), STAGES, new Map()).stages!.stages[0]!;
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://slsa.dev/verification_summary/v1',
      subject: [{ name: 'churn@1', uri: details.uri, digest: { sha256: details.digest.slice('sha256:'.length) } }],
      predicate: {
        verifier: { id: 'https://github.com/modelci/modelci/gate' },
        resourceUri: details.uri,
        policy: { uri: 'modelci.yaml#stages/staging', digest: { sha256: policy.policyDigest.slice('sha256:'.length) } },
        verificationResult: 'PASSED',
        modelci: { action: 'gate', decision: 'allow', who: 'tester', stage: 'staging', model: { name: 'churn', version: '1', digest: details.digest }, previousVersion: null },
      },
    });
    expect(statement.predicate.modelci.checks.map((check) => check.name)).toEqual(['version-exists', 'evidence:train', 'evidence:evaluate', 'alias-move']);
    expect(statement.predicate.modelci.checks[1]!.data).toMatchObject({ step: 'train', status: 'passed', versionDigest: details.digest });
    expect(statement.predicate.modelci.moves).toEqual([expect.objectContaining({ alias: 'staging', from: null, to: '1', seq: 1, kind: 'promote' })]);
  });

  it('a denial is recorded as FAILED on the version, with nothing moved', async () => {
    const two = await project.push('two', { evaluate: 'failed' });
    expect((await project.cli(gateArgs(project, 'staging', two))).code).toBe(1);
    const [audit] = await readAudits(project.registry, 'churn', two);
    expect(audit?.statement?.predicate).toMatchObject({ verificationResult: 'FAILED', verifiedLevels: [], modelci: { decision: 'deny', moves: [] } });
  });

  it('exits 3 when the registry cannot be reached, and writes no decision', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const run = await project.cli(['gate', '--stage-name', 'staging', '--name', 'churn', '--version', '1', '--registry', `oci://127.0.0.1:${port}/team`]);
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({ status: 'error', error: { code: 'registry-unreachable' } });
  });
});

describe.each(availableBackends().filter((kind) => kind !== 'file'))('the gate on the %s registry', (kind) => {
  let backend: Backend;
  let registry: Registry;
  let work: string;
  beforeAll(async () => {
    backend = await startBackend(kind);
    registry = backend.open();
    work = await tempDir();
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
  });

  it('moves the alias and attaches its record to the version, which verify then accepts', async () => {
    const project = await gateProject();
    try {
      await project.config(STAGES);
      const model = await makeModel(join(work, 'model'), 'remote');
      await makeBoundEvidence(work, model);
      const pushed = await registry.push({ name: 'churn', path: model, evidence: ['train.json', 'evaluate.json'].map((name) => ({ name, absolute: join(work, '.modelci', 'evidence', name) })) });
      const run = await project.cli(['gate', '--stage-name', 'staging', '--name', 'churn', '--version', pushed.version, '--registry', backend.uri]);
      expect(run.code, run.stderr).toBe(0);
      expect(await registry.getAlias('churn', 'staging')).toBe(pushed.version);
      const [audit] = await readAudits(registry, 'churn', pushed.version);
      expect(audit?.statement?.predicate.verificationResult).toBe('PASSED');
      const verified = await project.cli(['verify', '--stage-name', 'staging', '--name', 'churn', '--registry', backend.uri]);
      expect(verified.code, verified.stderr).toBe(0);
    } finally {
      await project.remove();
    }
  });
});
