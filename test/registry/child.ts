import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../helpers/python.js';

const bundles = new Map<string, Promise<string[]>>();

/**
 * The node arguments that run a TypeScript worker. Bundled once with esbuild (which vitest and
 * tsx already bring) so each of the many spawned processes starts in milliseconds; tsx otherwise.
 */
export function workerCommand(script: string): Promise<string[]> {
  let known = bundles.get(script);
  if (!known) {
    known = (async () => {
      try {
        const esbuild = await import('esbuild');
        const outfile = join(await mkdtemp(join(tmpdir(), 'modelci-worker-')), script.replace(/\.ts$/, '.mjs'));
        await esbuild.build({
          entryPoints: [workerPath(script)],
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node20',
          outfile,
          logLevel: 'silent',
          // CommonJS dependencies inside an ESM bundle need a require.
          banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
        });
        return [outfile];
      } catch {
        return ['--import', 'tsx', workerPath(script)];
      }
    })();
    bundles.set(script, known);
  }
  return known;
}

export function workerPath(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

export interface Worker {
  child: ChildProcess;
  /** Resolves when the worker printed `ready`. */
  ready: Promise<void>;
  /** Resolves with the exit code (null when killed) and everything printed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs a TypeScript worker in its own process (call `workerCommand` first to get its command). */
export function startWorker(command: string[], args: string[], env: NodeJS.ProcessEnv = {}): Worker {
  const child = spawn(process.execPath, [...command, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      markReady();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, ready, done };
}


export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
