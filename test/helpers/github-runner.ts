import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

interface ActionFile {
  inputs: Record<string, { default?: unknown }>;
  runs: { using: string; main: string };
}

export async function readAction(root: string, action: string): Promise<ActionFile> {
  return parse(await readFile(join(root, action), 'utf8')) as ActionFile;
}

const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/**
 * The environment GitHub's runner gives an action: INPUT_<NAME> for EVERY input its action.yml
 * declares, its `default:` filled in and '' for the rest, the name upper-cased with spaces turned
 * into '_' (hyphens stay). A test that set only the inputs it names would not see a declared
 * default masking modelci.yaml.
 */
export async function runnerEnv(root: string, action: string, given: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const { inputs } = await readAction(root, action);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, input] of Object.entries(inputs)) env[inputVariable(name)] = given[name] ?? (input.default === undefined ? '' : String(input.default));
  for (const name of Object.keys(given)) if (!(name in inputs)) env[inputVariable(name)] = given[name];
  return env;
}

export interface RunnerRun {
  status: number | null;
  log: string;
  outputs: string;
  summary: string;
  dir: string;
}

/**
 * Runs `<root>/<action>`'s `runs.main` with Node in a fresh workspace holding `files`, as the runner
 * would for `uses: <root>`. `env` adds what the runner or the workflow sets besides the inputs
 * (GITHUB_EVENT_PATH, ACTIONS_RESULTS_URL, ...).
 */
export async function runAsRunner(root: string, action: string, given: Record<string, string>, files: Record<string, string>, env: NodeJS.ProcessEnv = {}): Promise<RunnerRun> {
  const dir = await mkdtemp(join(tmpdir(), 'modelci-runner-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const outputs = join(dir, '.github_output');
  const summary = join(dir, '.github_summary');
  await writeFile(outputs, '');
  await writeFile(summary, '');
  const runEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputs,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: dir,
    ...env,
    ...(await runnerEnv(root, action, given)),
  };
  const main = join(root, action.replace(/action\.yml$/, ''), (await readAction(root, action)).runs.main);
  // Not spawnSync: the action may call loopback servers that live in this process's event loop.
  const run = await new Promise<{ status: number | null; log: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [main], { cwd: dir, env: runEnv, timeout: 120_000 });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, log }));
  });
  return { status: run.status, log: run.log, outputs: await readFile(outputs, 'utf8'), summary: await readFile(summary, 'utf8'), dir };
}
