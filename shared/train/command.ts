import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type Shell = 'bash' | 'sh';

export interface CommandOptions {
  command: string;
  shell: Shell;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Seconds; undefined = no limit. */
  timeoutSeconds?: number;
  /** Each line of stdout and stderr, as it arrives. */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export interface CommandResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** The last lines of output, for the error annotation. */
  tail: string[];
}

/** The same flags GitHub Actions uses for `shell: bash`: fail on the first error, also inside pipes. */
export function shellArgs(shell: Shell, command: string): [string, string[]] {
  if (shell === 'bash') return ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', command]];
  return ['sh', ['-e', '-c', command]];
}

const TAIL_LINES = 20;

/**
 * Runs the command in its own process group, so a timeout or cancel stops everything it started
 * (a shell, python, its data loader workers): SIGTERM to the group, then SIGKILL after a grace.
 */
export function runCommand(options: CommandOptions): Promise<CommandResult> {
  const [file, args] = shellArgs(options.shell, options.command);
  const started = performance.now();
  const graceMs = options.killGraceMs ?? 5000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    const tail: string[] = [];
    let timedOut = false;
    let aborted = false;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(process.platform === 'win32' ? child.pid : -child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const stop = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      killTimer.unref();
    };
    const timer = options.timeoutSeconds
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutSeconds * 1000)
      : undefined;
    const onAbort = () => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    let openStreams = 2;
    const finish = () => {
      if (settled || !exited || openStreams > 0) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      // Anything the command left behind in its group goes with it once it is done or stopped.
      if (timedOut || aborted) killGroup('SIGKILL');
      resolve({ exitCode: exited.code, signal: exited.signal, timedOut, aborted, durationMs: Math.round(performance.now() - started), tail });
    };

    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      stream.setEncoding('utf8');
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        options.onLine(line, name);
      });
      lines.on('close', () => {
        openStreams--;
        finish();
      });
    }

    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      // A background process that inherited stdout keeps the pipes open; do not wait on it forever.
      setTimeout(() => {
        if (settled) return;
        child.stdout.destroy();
        child.stderr.destroy();
        openStreams = 0;
        finish();
      }, 2000).unref();
      finish();
    });
  });
}
