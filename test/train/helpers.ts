import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { SourceLocation } from '../../shared/errors.js';
import type { ArtifactStore, Platform, RunInfo } from '../../shared/platform/types.js';
import type { StepContext, StepDefinition } from '../../shared/runner/types.js';
import { executeStep } from '../../shared/runner/execute-step.js';
import { trainStep, type TrainInputs } from '../../shared/steps/train.js';

export interface LogEntry {
  kind: 'info' | 'warning' | 'error' | 'debug' | 'group-start' | 'group-end';
  message: string;
  location?: SourceLocation;
}

/** Records everything a step does to the CI, and masks like the real runners do. */
export class FakePlatform implements Platform {
  readonly name: Platform['name'];
  readonly log: LogEntry[] = [];
  readonly outputs = new Map<string, string>();
  readonly summaries: string[] = [];
  readonly masked: string[] = [];

  constructor(name: Platform['name'] = 'local') {
    this.name = name;
  }

  private push(kind: LogEntry['kind'], message: string, location?: SourceLocation) {
    let text = message;
    for (const secret of this.masked) text = text.split(secret).join('***');
    this.log.push({ kind, message: text, ...(location ? { location } : {}) });
  }

  info(message: string) {
    this.push('info', message);
  }
  warning(message: string, location?: SourceLocation) {
    this.push('warning', message, location);
  }
  error(message: string, location?: SourceLocation) {
    this.push('error', message, location);
  }
  debug(message: string) {
    this.push('debug', message);
  }
  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    this.push('group-start', title);
    try {
      return await work();
    } finally {
      this.push('group-end', title);
    }
  }
  setOutput(name: string, value: string) {
    this.outputs.set(name, value);
  }
  async appendSummary(markdown: string) {
    this.summaries.push(markdown);
  }
  mask(secret: string) {
    this.masked.push(secret);
  }
  run(): RunInfo {
    return {};
  }
  async commentThread(): Promise<{ unavailable: string }> {
    return { unavailable: 'a test platform has no pull request' };
  }
  messages(kind: LogEntry['kind']): string[] {
    return this.log.filter((e) => e.kind === kind).map((e) => e.message);
  }
}

export class FakeArtifactStore implements ArtifactStore {
  readonly uploads: { name: string; files: string[]; rootDirectory: string }[] = [];
  async upload(name: string, files: string[], rootDirectory: string) {
    this.uploads.push({ name, files: [...files], rootDirectory });
    return { id: this.uploads.length, size: files.length };
  }
}

export async function tempDir(prefix = 'modelci-train-'): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

export function gitInit(cwd: string): void {
  git(cwd, 'init', '-q', '-b', 'main');
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', 'init');
}

export function makeContext(cwd: string, options: { platform?: FakePlatform; artifacts?: FakeArtifactStore; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}) {
  const platform = options.platform ?? new FakePlatform();
  const artifacts = options.artifacts ?? new FakeArtifactStore();
  const ctx: StepContext = {
    platform,
    artifacts,
    cwd,
    outDir: join(cwd, '.modelci'),
    env: { ...process.env, ...options.env },
    signal: options.signal ?? new AbortController().signal,
  };
  return { ctx, platform, artifacts };
}

/** Parses raw inputs through the step's schema (defaults applied), then runs the step. */
export function runTrain(raw: Partial<Record<keyof TrainInputs, unknown>>, ctx: StepContext) {
  return trainStep.run(trainStep.inputs.parse(raw), ctx);
}

/** Through the runner, as every front door runs it: evidence, outputs and the artifact upload. */
export function runTrainStep(raw: Partial<Record<keyof TrainInputs, unknown>>, ctx: StepContext) {
  return executeStep(trainStep as unknown as StepDefinition, trainStep.inputs.parse(raw), ctx);
}

/** A standard-library training script: appends to $COUNTER (outside the outputs) each time it really runs. */
export const TRAIN_PY = `import json, os, sys
with open(os.environ["COUNTER"], "a") as f:
    f.write("run\\n")
params = json.loads(os.environ.get("MODELCI_PARAMS", "{}"))
with open("params.json") as f:
    params = {**json.load(f), **params}
with open("data/train.csv") as f:
    rows = f.read().strip().split("\\n")[1:]
print(f"training on {len(rows)} rows", flush=True)
print("epoch 1 loss 0.7", file=sys.stderr, flush=True)
lr = params["lr"]
os.makedirs("out", exist_ok=True)
with open("metrics.json", "w") as f:
    json.dump({"accuracy": round(0.5 + lr, 4), "test": {"roc_auc": 0.9, "log_loss": float("nan")}}, f)
with open("out/model.json", "w") as f:
    json.dump({"weights": [lr, len(rows)], "model": params.get("model", {})}, f)
print("done", flush=True)
`;

export async function trainProject(root: string): Promise<void> {
  await writeFiles(root, {
    'train.py': TRAIN_PY,
    'params.json': JSON.stringify({ lr: 0.1, model: { depth: 3 } }),
    'data/train.csv': 'x,y\n1,0\n2,1\n3,1\n',
    '.gitignore': '.modelci/\n',
  });
}
