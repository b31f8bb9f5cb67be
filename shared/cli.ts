import { requestsJson } from './cli/parse-args.js';
import { runCli } from './cli/run-command.js';

/**
 * The `modelci` process: wires signals and streams, then hands over to runCli. In JSON mode
 * everything that would reach stdout (library logs included) is diverted to stderr, so stdout
 * carries exactly one JSON document.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    process.stderr.write(`\nmodelci: ${signal} received, stopping (press again to force)\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const writeStdout = process.stdout.write.bind(process.stdout);
  if (requestsJson(argv)) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

  process.exitCode = await runCli(argv, {
    stdout: { write: (text: string) => writeStdout(text) },
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
