import { z } from 'zod';
import { normalizeVersion } from '../registry/names.js';
import { registryFor, registryInputs } from '../registry/step-access.js';
import { defineStep, type StepResult } from '../runner/types.js';

export interface AliasData {
  name: string;
  alias: string;
  moved: boolean;
  /** Where the alias points now. */
  version: string | null;
  previous?: string | null;
  expected?: string | null;
  seq?: number;
  by?: string;
  at?: string;
}

export const registryAliasStep = defineStep({
  name: 'registry alias',
  description: 'Points an alias (champion, staging, ...) at a version; with --expect it moves only if the alias still points where you expect.',
  inputs: z.object({
    ...registryInputs,
    alias: z.string().min(1).describe('Alias to set, e.g. `champion`.'),
    version: z.string().min(1).describe('Version number to point the alias at (or another alias to copy).'),
    expect: z.string().optional().describe('Compare-and-swap: the version the alias must point at now, or `none` when it must not exist yet. The move is refused (exit 1) when the alias moved meanwhile.'),
    by: z.string().optional().describe('Who moves the alias, for the history (default: the CI actor or $USER).'),
  }),
  outputs: { 'previous-version': 'The version the alias pointed at before (empty when it was new).' },
  writesEvidence: false,
  published: false,
  async run(inputs, ctx): Promise<StepResult<AliasData>> {
    const registry = registryFor(inputs, ctx);
    const expect = inputs.expect === undefined ? undefined : inputs.expect === 'none' ? null : (normalizeVersion(inputs.expect) ?? inputs.expect);
    const outcome = await registry.setAlias({
      name: inputs.name,
      alias: inputs.alias,
      version: inputs.version,
      ...(expect !== undefined ? { expect } : {}),
      ...(inputs.by ? { by: inputs.by } : {}),
    });
    if (!outcome.moved) {
      return {
        status: 'failed',
        summary: `alias ${inputs.alias} of ${inputs.name} is at ${outcome.current ?? 'nothing'}, not ${inputs.expect} as expected; not moved`,
        data: { name: inputs.name, alias: inputs.alias, moved: false, version: outcome.current ?? null, expected: inputs.expect ?? null },
      };
    }
    const { event } = outcome;
    return {
      status: 'passed',
      summary: `alias ${event.alias} of ${inputs.name}: ${event.from ?? 'new'} -> ${event.to}`,
      data: { name: inputs.name, alias: event.alias, moved: true, version: event.to, previous: event.from ?? null, seq: event.seq, by: event.by, at: event.at },
      outputs: { 'previous-version': event.from ?? '' },
    };
  },
});
