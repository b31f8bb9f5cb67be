import { ExitCode, type ErrorKind } from '../../shared/errors.js';
import type { ErrorEntry } from '../../shared/errors/catalog.js';

const EXIT: Record<ErrorKind, number> = { usage: ExitCode.usage, environment: ExitCode.environment, rejected: ExitCode.failed };

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/errors.md: every error code with its exit code, message shape and usual hint. */
export function errorsDoc(catalog: Readonly<Record<string, ErrorEntry>>): string {
  const rows = Object.entries(catalog)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, entry]) => `| \`${code}\` | ${EXIT[entry.kind]} | ${cell(entry.message)} | ${cell(entry.hint ?? '')} |`);
  return [
    '# Error codes',
    '',
    '<!-- Generated from shared/errors/catalog.ts by `npm run gen`; do not edit. -->',
    '',
    'Every error modelci reports carries a stable code: `error.code` in `--format json` output, and',
    'the `code` of the annotation. Exit 2 is bad usage, configuration or input (fix the command or the',
    'file); 3 is the environment (a server, the network, a worker), after retries; 1 is a step saying',
    'no. `…` marks what the message fills in (names, paths, values); the hint is the usual one, some',
    'call sites say more.',
    '',
    '| code | exit | message | hint |',
    '| --- | ---: | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
