import { z } from 'zod';
import { escapeMarkdown, markdownTable } from '../report/markdown.js';
import { registryFor, registryInputs, shortDigest } from '../registry/step-access.js';
import { defineStep } from '../runner/types.js';
import { textTable } from '../text/text-table.js';

export const registryShowStep = defineStep({
  name: 'registry show',
  description: 'Shows one model version: its files and digests, metadata and the evidence attached to it.',
  inputs: z.object({
    ...registryInputs,
    version: z.string().min(1).describe('Version number (e.g. `3`) or alias (e.g. `champion`).'),
  }),
  outputs: {},
  writesEvidence: false,
  published: false,
  async run(inputs, ctx) {
    const registry = registryFor(inputs, ctx);
    const details = await registry.show(inputs.name, inputs.version);
    const evidence = details.evidence.length
      ? `\n\n**Evidence**\n\n${markdownTable(['file', 'step', 'status', 'digest'], details.evidence.map((entry) => [escapeMarkdown(entry.path), escapeMarkdown(entry.step ?? ''), escapeMarkdown(entry.status ?? ''), `\`${shortDigest(entry.digest)}\``]))}`
      : '\n\nNo evidence attached.';
    return {
      status: 'passed',
      summary: `${details.name} version ${details.version}: ${details.files.length} files, ${details.evidence.length} evidence, ${shortDigest(details.digest)}${details.aliases.length ? ` (${details.aliases.join(', ')})` : ''}`,
      data: { ...details },
      text: [
        ...textTable(['file', 'bytes', 'digest'], details.files.map((file) => [file.path, String(file.size), shortDigest(file.digest)])),
        '',
        ...(details.evidence.length ? textTable(['evidence', 'step', 'status', 'digest'], details.evidence.map((entry) => [entry.path, entry.step ?? '', entry.status ?? '', shortDigest(entry.digest)])) : ['no evidence attached']),
        ...(details.metrics ? ['', ...textTable(['metric', 'value'], Object.entries(details.metrics).map(([name, value]) => [name, String(value)]))] : []),
        ...(Object.keys(details.metadata).length ? ['', ...textTable(['metadata', 'value'], Object.entries(details.metadata).map(([key, value]) => [key, value]))] : []),
      ],
      markdown: `${markdownTable(['file', 'bytes', 'digest'], details.files.map((file) => [escapeMarkdown(file.path), String(file.size), `\`${shortDigest(file.digest)}\``]))}${evidence}`,
    };
  },
});
