import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalPlatform } from '../../shared/platform/local.js';
import { evaluateStep } from '../../shared/steps/evaluate.js';
import type { StepContext } from '../../shared/runner/types.js';
import { Rng } from '../../shared/metrics/rng.js';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'modelci-evaluate-'));
}

/** A real local platform writing logs to a string, in a temp working directory. */
export function fakeContext(cwd: string): StepContext & { log: () => string } {
  let log = '';
  const sink = { write: (text: string) => ((log += text), true) } as unknown as NodeJS.WritableStream;
  const platform = new LocalPlatform({ log: sink, summaryFile: join(cwd, '.modelci', 'summary.md') });
  return {
    platform,
    artifacts: { upload: async () => undefined },
    cwd,
    outDir: join(cwd, '.modelci'),
    env: {},
    signal: new AbortController().signal,
    log: () => log,
  };
}

/** Runs the step with its schema defaults applied, as the front doors do. */
export async function runEvaluate(ctx: StepContext, options: Record<string, unknown>) {
  const inputs = evaluateStep.inputs.parse(options);
  return evaluateStep.run(inputs, ctx);
}

/** A churn-like binary predictions CSV: label, score, segment. */
export async function writeBinaryCsv(dir: string, n: number, seed = 1, name = 'predictions.csv'): Promise<string> {
  const rng = new Rng(seed);
  const lines = ['label,score,segment'];
  for (let i = 0; i < n; i++) {
    const label = rng.nextFloat() < 0.3 ? 1 : 0;
    const score = 1 / (1 + Math.exp(-(label ? 1.2 : -1.2) - rng.nextNormal()));
    const segment = i % 10 === 0 ? 'enterprise' : i % 3 === 0 ? 'smb' : 'consumer';
    lines.push(`${label},${score.toFixed(6)},${segment}`);
  }
  const path = join(dir, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}
