import { z } from 'zod';
import { escapeMarkdown, markdownTable } from '../report/markdown.js';
import { registryFor, registryInputs } from '../registry/step-access.js';
import { defineStep } from '../runner/types.js';
import { textTable } from '../text/text-table.js';

export const registryHistoryStep = defineStep({
  name: 'registry history',
  description: 'Shows who moved an alias (or every alias of a model), when, from which version to which.',
  inputs: z.object({
    ...registryInputs,
    alias: z.string().optional().describe('Only this alias (default: all aliases of the model).'),
  }),
  outputs: {},
  writesEvidence: false,
  published: false,
  async run(inputs, ctx) {
    const registry = registryFor(inputs, ctx);
    const events = await registry.history(inputs.name, inputs.alias);
    return {
      status: 'passed',
      summary: `${events.length} alias move${events.length === 1 ? '' : 's'} for ${inputs.name}${inputs.alias ? ` (${inputs.alias})` : ''}`,
      data: { name: inputs.name, ...(inputs.alias ? { alias: inputs.alias } : {}), events },
      text: textTable(['when', 'alias', 'from', 'to', 'by'], events.map((event) => [event.at, event.alias, event.from ?? '-', event.to, event.by])),
      markdown: markdownTable(
        ['when', 'alias', 'from', 'to', 'by'],
        events.map((event) => [event.at, escapeMarkdown(event.alias), event.from ?? '—', event.to, escapeMarkdown(event.by)]),
      ),
    };
  },
});
