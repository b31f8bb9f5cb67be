import { z } from 'zod';
import { escapeMarkdown, markdownTable } from '../report/markdown.js';
import type { VersionSummary } from '../registry/types.js';
import { registryFor, registryInputs, shortDigest } from '../registry/step-access.js';
import { defineStep } from '../runner/types.js';
import { textTable } from '../text/text-table.js';

export const registryLsStep = defineStep({
  name: 'registry ls',
  description: 'Lists the versions of a model in a registry, with their digests and aliases.',
  inputs: z.object({ ...registryInputs }),
  outputs: {},
  writesEvidence: false,
  published: false,
  async run(inputs, ctx) {
    const registry = registryFor(inputs, ctx);
    const versions: VersionSummary[] = await registry.list(inputs.name);
    return {
      status: 'passed',
      summary: `${inputs.name}: ${versions.length} version${versions.length === 1 ? '' : 's'} in ${registry.displayUri}`,
      data: { name: inputs.name, registry: registry.displayUri, versions },
      text: textTable(['version', 'digest', 'aliases', 'created'], versions.map((version) => [version.version, shortDigest(version.digest), version.aliases.join(', '), version.createdAt ?? ''])),
      markdown: markdownTable(
        ['version', 'digest', 'aliases', 'created'],
        versions.map((version) => [version.version, `\`${shortDigest(version.digest)}\``, escapeMarkdown(version.aliases.join(', ')), version.createdAt ?? '']),
      ),
    };
  },
});
