import { execFile } from 'node:child_process';
import { ciCommitSha } from '../platform/run-info.js';

export interface GitState {
  sha?: string;
  dirty?: boolean;
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolvePromise) => {
    execFile('git', args, { cwd, timeout: 10_000, maxBuffer: 1 << 20 }, (error, stdout) => resolvePromise(error ? undefined : stdout.trim()));
  });
}

/** The commit being built: CI's own variable first (detached checkouts), else git. */
export async function gitState(cwd: string, env: NodeJS.ProcessEnv): Promise<GitState> {
  const [sha, status] = await Promise.all([
    ciCommitSha(env) ?? git(cwd, ['rev-parse', 'HEAD']),
    git(cwd, ['status', '--porcelain', '--untracked-files=no']),
  ]);
  return { ...(sha ? { sha } : {}), ...(status !== undefined ? { dirty: status !== '' } : {}) };
}
