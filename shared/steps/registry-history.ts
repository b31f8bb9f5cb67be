import { z } from 'zod';
import { readAudits } from '../gate/audit.js';
import { escapeMarkdown, markdownTable } from '../report/markdown.js';
import { registryFor, registryInputs } from '../registry/step-access.js';
import type { Registry } from '../registry/types.js';
import { defineStep } from '../runner/types.js';
import { textTable } from '../text/text-table.js';

interface GateRecordRow {
  version: string;
  record: string;
  action: string;
  decision: string;
  stage: string;
  at: string;
  who: string;
  reason: string;
}

/** The gate and rollback records attached to the model's versions (an alias filter keeps the records of that stage). */
async function gateRecords(registry: Registry, name: string, alias: string | undefined): Promise<GateRecordRow[]> {
  const rows: GateRecordRow[] = [];
  for (const version of await registry.list(name)) {
    for (const { record, statement, problem } of await readAudits(registry, name, version.version)) {
      const account = statement?.predicate.modelci;
      if (account && alias !== undefined && account.stage !== alias) continue;
      rows.push(account
        ? { version: version.version, record: record.name, action: account.action, decision: account.decision, stage: account.stage, at: account.when, who: account.who, reason: account.reason }
        : { version: version.version, record: record.name, action: 'unreadable', decision: '', stage: '', at: '', who: '', reason: problem ?? '' });
    }
  }
  return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export const registryHistoryStep = defineStep({
  name: 'registry history',
  description: 'Shows who moved an alias (or every alias of a model), when, from which version to which, beside the gate records attached to the versions.',
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
    const records = await gateRecords(registry, inputs.name, inputs.alias);
    return {
      status: 'passed',
      summary: `${events.length} alias move${events.length === 1 ? '' : 's'} and ${records.length} gate record${records.length === 1 ? '' : 's'} for ${inputs.name}${inputs.alias ? ` (${inputs.alias})` : ''}`,
      data: { name: inputs.name, ...(inputs.alias ? { alias: inputs.alias } : {}), events, records },
      text: [
        ...textTable(['when', 'alias', 'from', 'to', 'by'], events.map((event) => [event.at, event.alias, event.from ?? '-', event.to, event.by])),
        ...(records.length ? ['', ...textTable(['when', 'record', 'stage', 'version', 'by', 'decision'], records.map((row) => [row.at, row.action, row.stage, row.version, row.who, `${row.decision}: ${row.reason}`]))] : []),
      ],
      markdown: [
        markdownTable(['when', 'alias', 'from', 'to', 'by'], events.map((event) => [event.at, escapeMarkdown(event.alias), event.from ?? '—', event.to, escapeMarkdown(event.by)])),
        ...(records.length ? [markdownTable(['when', 'record', 'stage', 'version', 'by', 'decision'], records.map((row) => [row.at, row.action, escapeMarkdown(row.stage), row.version, escapeMarkdown(row.who), escapeMarkdown(`${row.decision}: ${row.reason}`)]))] : []),
      ].join('\n\n'),
    };
  },
});
