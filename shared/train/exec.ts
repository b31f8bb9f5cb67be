import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

export interface ExecResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a helper program (git, python3) and collects its output; undefined when it is not installed. */
export function execCapture(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ExecResult | undefined> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4096) err += chunk.toString('utf8');
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

/** Streams a program's stdout into sha256 (git diff of a big repo stays out of memory). */
export function execDigest(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; sha256: string; bytes: number } | undefined> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'ignore'] });
    const hash = createHash('sha256');
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve({ code, sha256: hash.digest('hex'), bytes }));
  });
}
