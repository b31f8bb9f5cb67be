import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The Python with the reference libraries (.ci/run creates .venv from test/requirements.txt). */
export function pythonPath(): string {
  if (process.env.MODELCI_PYTHON) return process.env.MODELCI_PYTHON;
  const venv = join(repoRoot, '.venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/**
 * Whether a missing reference (Python library, server binary) fails the test instead of skipping
 * it: in CI and under `npm test`, which provisions them first (scripts/test.mjs).
 */
export function referencesRequired(): boolean {
  return Boolean(process.env.CI) || process.env.MODELCI_REQUIRE_REFERENCES === '1';
}

/**
 * True when `import module` works. In CI a missing reference library is a failure, not a
 * reason to skip: a green run must mean the comparison happened.
 */
export function hasPythonModule(module: string): boolean {
  try {
    execFileSync(pythonPath(), ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (referencesRequired()) throw new Error(`Python module '${module}' is missing; run the tests with 'npm test', which installs test/requirements.txt into .venv`);
    return false;
  }
}

/** Runs a Python snippet with JSON on stdin and parses the JSON it prints. */
export function runPythonJson<T>(script: string, input: unknown): T {
  const stdout = execFileSync(pythonPath(), ['-c', script], {
    input: JSON.stringify(input),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as T;
}
