import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAsRunner } from '../helpers/github-runner.js';
import { repoRoot, runPythonJson } from '../helpers/python.js';
import { FakeArtifactService } from '../servers/github/fake-artifacts.js';
import { FakeGithub } from '../servers/github/fake-github.js';

const ACTION = 'actions/report/action.yml';
const TOKEN = 'ghs_postJobToken0123456789abcdef';
const github = new FakeGithub();
const artifacts = new FakeArtifactService();
let eventPath: string;

beforeAll(async () => {
  await github.start();
  await artifacts.start();
  const dir = await mkdtemp(join(tmpdir(), 'modelci-fork-pair-'));
  eventPath = join(dir, 'workflow-run.json');
  await writeFile(eventPath, JSON.stringify({ workflow_run: { id: 555, head_sha: 'f00d', head_branch: 'feature', event: 'pull_request' } }));
});
afterAll(async () => {
  await github.stop();
  await artifacts.stop();
});
beforeEach(() => {
  github.reset();
  artifacts.artifacts.length = 0;
});

async function fixtureEvidence(): Promise<Record<string, string>> {
  const from = join(repoRoot, 'test/fixtures/report/churn-second');
  const files: Record<string, string> = {};
  for (const name of await readdir(from)) if (name.endsWith('.json')) files[`evidence/${name}`] = await readFile(join(from, name), 'utf8');
  return files;
}

/** What actions/download-artifact with `path: <into>` leaves in the workspace: the artifact's zip, unpacked there. */
function downloaded(zip: Buffer, into: string): Record<string, string> {
  const entries = runPythonJson<Record<string, string>>(
    'import base64, io, json, sys, zipfile\nz = zipfile.ZipFile(io.BytesIO(base64.b64decode(json.load(sys.stdin))))\nprint(json.dumps({i.filename: z.read(i).decode("utf8") for i in z.infolist() if not i.is_dir()}))',
    zip.toString('base64'),
  );
  return Object.fromEntries(Object.entries(entries).map(([name, text]) => [`${into}/${name}`, text]));
}

/** The trusted workflow_run job of examples/workflows/github/model-report.yml. */
function postEnv(): NodeJS.ProcessEnv {
  return { GITHUB_API_URL: `${github.url}/api/v3`, MODELCI_GITHUB_WRITE_INTERVAL_MS: '0', GITHUB_REPOSITORY: 'acme/churn', GITHUB_EVENT_NAME: 'workflow_run', GITHUB_EVENT_PATH: eventPath, GITHUB_RUN_ID: '556', GITHUB_RUN_ATTEMPT: '1', GITHUB_WORKFLOW: 'model-report', GITHUB_JOB: 'report' };
}

/** The step's outputs from the runner's GITHUB_OUTPUT file (name<<delimiter, value, delimiter). */
function runnerOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[match[1]!] = match[3]!;
  return outputs;
}

const reports = () => github.comments.filter((comment) => comment.body.startsWith('<!-- modelci-report key='));

describe('the fork-safe pair as GitHub runs it: render uploads the artifact, post reads it as downloaded', () => {
  it('post finds the bundle inside the downloaded artifact and posts the report of its records', async () => {
    const render = await runAsRunner(repoRoot, ACTION, { phase: 'render', evidence: 'evidence' }, await fixtureEvidence(), { ...artifacts.env(), GITHUB_REPOSITORY: 'acme/churn', GITHUB_EVENT_NAME: 'pull_request' });
    expect(render.status, render.log).toBe(0);
    expect(artifacts.artifacts.map((artifact) => artifact.name)).toEqual(['modelci-report-bundle']);
    const bundle = downloaded(artifacts.artifacts[0]!.zip, 'bundle');
    // The layout the post job gets: the records one folder down, render's own record beside them.
    expect(Object.keys(bundle).sort()).toEqual(['bundle/evidence/report.json', ...['compare', 'evaluate', 'push-model', 'train', 'validate-data'].map((step) => `bundle/report-bundle/${step}.json`)]);

    github.pullsOfCommit.set('f00d', [{ number: 9, headRef: 'feature' }]);
    const post = await runAsRunner(repoRoot, ACTION, { phase: 'post', evidence: 'bundle', key: 'model-pr', token: TOKEN }, bundle, postEnv());
    expect(post.status, post.log).toBe(0);
    expect(reports()).toHaveLength(1);
    const body = reports()[0]!.body;
    const outputs = runnerOutputs(post.outputs);
    expect(outputs).toMatchObject({ 'comment-id': String(reports()[0]!.id), 'previous-comment-id': '', 'mode-applied': 'created', truncated: 'false', bytes: String(body.length - body.indexOf('\n') - 1) });
    expect(outputs['comment-url']).toMatch(new RegExp(`#issuecomment-${reports()[0]!.id}$`));
    expect(body).toMatch(/^<!-- modelci-report key="model-pr" /);
    expect(body).toContain('✅ **passed** · compare: **promote**');
    for (const step of ['validate-data', 'train', 'evaluate', 'compare', 'push-model']) expect(body).toContain(`✅ ${step}`);
    expect(body).not.toContain('No evidence found');
    expect(post.summary).toContain('· compare: **promote**');
    const evidence = JSON.parse(await readFile(join(post.dir, '.modelci/evidence/report.json'), 'utf8'));
    expect(evidence.result.records.map((record: { step: string }) => record.step)).toEqual(['compare', 'evaluate', 'push-model', 'train', 'validate-data']);
    expect(github.violations).toEqual([]);
  });

  it('post refuses (exit 2, nothing posted) an artifact that holds no bundle, instead of posting an empty passed report', async () => {
    // Render after no step wrote evidence: the artifact carries only render's own record.
    const render = await runAsRunner(repoRoot, ACTION, { phase: 'render' }, { 'README.md': 'no pipeline ran\n' }, { ...artifacts.env(), GITHUB_REPOSITORY: 'acme/churn', GITHUB_EVENT_NAME: 'pull_request' });
    expect(render.status, render.log).toBe(0);
    const bundle = downloaded(artifacts.artifacts[0]!.zip, 'bundle');
    // The upload's root is the common folder of its files, so here the record sits at the top.
    expect(Object.keys(bundle)).toEqual(['bundle/report.json']);
    github.pullsOfCommit.set('f00d', [{ number: 9, headRef: 'feature' }]);
    const post = await runAsRunner(repoRoot, ACTION, { phase: 'post', evidence: 'bundle', key: 'model-pr', token: TOKEN }, bundle, postEnv());
    expect(post.status, post.log).toBe(2);
    expect(post.log).toContain('no report bundle in bundle');
    expect(post.log).toContain('modelci-report-bundle');
    expect(github.comments).toEqual([]);
    expect(post.outputs).not.toMatch(/passed/);

    // A bundle file that is not a valid record (changed after render) is refused too, not left out of the verdict.
    const tampered = await runAsRunner(repoRoot, ACTION, { phase: 'post', evidence: 'bundle', key: 'model-pr', token: TOKEN }, { ...(await fixtureEvidence()), 'bundle/report-bundle/train.json': '{"step": "train", "status": "failed"}' }, postEnv());
    expect(tampered.status, tampered.log).toBe(2);
    expect(tampered.log).toContain('not valid evidence records');
    expect(github.comments).toEqual([]);

    // A bundle past render's 16 MiB cap is refused before it is read.
    const huge = await runAsRunner(repoRoot, ACTION, { phase: 'post', evidence: 'bundle', key: 'model-pr', token: TOKEN }, { ...(await fixtureEvidence()), 'bundle/report-bundle/train.json': `{"padding": "${'x'.repeat(17 << 20)}"}` }, postEnv());
    expect(huge.status, huge.log).toBe(2);
    expect(huge.log).toContain(`is larger than ${16 << 20} bytes, the most the render phase writes`);
    expect(github.comments).toEqual([]);
  });
});
