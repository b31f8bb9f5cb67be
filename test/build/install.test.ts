import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAsRunner } from '../helpers/github-runner.js';
import { repoRoot } from '../helpers/python.js';

const PREDICTIONS = `id,label,score\n${Array.from({ length: 120 }, (_, i) => `${i},${i % 2},${((i % 2) * 0.35 + ((i * 29) % 100) / 150).toFixed(3)}`).join('\n')}\n`;
const EVALUATE_CONFIG = 'evaluate:\n  predictions: predictions.csv\n  task: binary\n  label: label\n  score: score\n  bootstrap: 0\n';

interface PackResult {
  filename: string;
  files: { path: string }[];
}

/** `npm pack` of the checkout as a release would publish it (dist/ is built by the global setup). */
function pack(destination: string): PackResult {
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: repoRoot, encoding: 'utf8' });
  return (JSON.parse(output) as PackResult[])[0]!;
}

describe(`the packed release installs and runs outside a clone (Node ${process.version})`, () => {
  it('packs the bundle, the actions and the components, and no sources', async () => {
    const { files } = pack(await mkdtemp(join(tmpdir(), 'modelci-pack-')));
    const paths = files.map((file) => file.path);
    for (const wanted of ['bin/modelci.js', 'dist/index.js', 'action.yml', 'actions/evaluate/action.yml', 'actions/evaluate/index.js', 'gitlab/templates/evaluate.yml', 'README.md', 'package.json']) {
      expect(paths, wanted).toContain(wanted);
    }
    expect(paths.filter((path) => /^(shared|test|scripts)\//.test(path))).toEqual([]);
  });

  it('installs offline into an empty prefix with no dependencies to fetch and no engine warning, then runs --help and a step', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'modelci-install-'));
    const { filename } = pack(scratch);
    const prefix = join(scratch, 'prefix');
    const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(scratch, filename)], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    expect(install.stdout + install.stderr).not.toMatch(/EBADENGINE|deprecated/);
    const installed = JSON.parse(await readFile(join(prefix, 'lib', 'node_modules', 'modelci', 'package.json'), 'utf8')) as { dependencies?: object };
    expect(installed.dependencies ?? {}).toEqual({});

    const bin = join(prefix, 'bin', 'modelci');
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    for (const step of ['validate-data', 'train', 'evaluate', 'push-model']) expect(help.stdout).toContain(step);

    const project = join(scratch, 'project');
    await mkdir(project);
    await writeFile(join(project, 'predictions.csv'), PREDICTIONS);
    await writeFile(join(project, 'modelci.yaml'), EVALUATE_CONFIG);
    const step = spawnSync(bin, ['evaluate', '--format', 'json'], { cwd: project, encoding: 'utf8' });
    expect(step.status, step.stderr).toBe(0);
    expect(JSON.parse(step.stdout)).toMatchObject({ status: 'passed' });
    expect(existsSync(join(project, '.modelci', 'evidence', 'evaluate.json'))).toBe(true);
  });
});

describe('the release tree runs as `uses: ./` runs it', () => {
  it('a release commit checked out without node_modules runs the root action and a step action', async () => {
    const clone = await mkdtemp(join(tmpdir(), 'modelci-release-'));
    execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
    symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
    await cp(join(repoRoot, 'dist'), join(clone, 'dist'), { recursive: true });
    const output = execFileSync(process.execPath, ['scripts/release.mjs', '--dry-run', '--skip-build'], { cwd: clone, encoding: 'utf8' });
    const commit = /release commit ([0-9a-f]{40})/.exec(output)![1]!;

    const tree = await mkdtemp(join(tmpdir(), 'modelci-release-tree-'));
    execFileSync('sh', ['-c', `git -C "${clone}" archive ${commit} | tar -x -C "${tree}"`]);
    expect(existsSync(join(tree, 'node_modules'))).toBe(false);
    expect(existsSync(join(tree, 'dist', 'index.js'))).toBe(true);

    const files = { 'modelci.yaml': EVALUATE_CONFIG, 'predictions.csv': PREDICTIONS };
    const stepAction = await runAsRunner(tree, 'actions/evaluate/action.yml', {}, files);
    expect(stepAction.status, stepAction.log).toBe(0);
    expect(stepAction.outputs).toMatch(/status<<[^\n]+\npassed\n/);
    const rootAction = await runAsRunner(tree, 'action.yml', { step: 'evaluate' }, files);
    expect(rootAction.status, rootAction.log).toBe(0);
    expect(rootAction.summary).toContain('evaluate');
  });
});
