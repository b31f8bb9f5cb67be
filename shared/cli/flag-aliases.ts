/**
 * Flags the command line also takes under a second spelling: short name -> input name. `--stage`
 * is the interface for the promotion commands; the input is `stage-name` at every other
 * door because a GitLab component's own `stage` input is the job's pipeline stage.
 */
const CLI_FLAG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  gate: { stage: 'stage-name' },
  verify: { stage: 'stage-name' },
  rollback: { stage: 'stage-name' },
};

export function cliFlagAlias(command: string, flag: string): string | undefined {
  const aliases = CLI_FLAG_ALIASES[command];
  return aliases && Object.hasOwn(aliases, flag) ? aliases[flag] : undefined;
}

/** The alias of an input's flag for the help text, when it has one. */
export function aliasOfInput(command: string, input: string): string | undefined {
  const aliases = CLI_FLAG_ALIASES[command] ?? {};
  return Object.keys(aliases).find((flag) => aliases[flag] === input);
}
