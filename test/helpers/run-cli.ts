import { runCli } from '../../shared/cli/run-command.js';
import { catalogOf } from '../../shared/runner/catalog.js';
import type { StepDefinition } from '../../shared/runner/types.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI front door in-process with captured streams. */
export async function runCliCaptured(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; steps?: readonly StepDefinition[] }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = { write: (text: string | Uint8Array) => ((stderr += String(text)), true) } as unknown as NodeJS.WritableStream;
  const code = await runCli(
    argv,
    { stdout: { write: (text: string) => (stdout += text) }, stderr: sink, env: { PATH: process.env.PATH, ...(options.env ?? {}) }, cwd: options.cwd, signal: new AbortController().signal },
    ...(options.steps ? [catalogOf(options.steps)] : []),
  );
  return { code, stdout, stderr };
}
