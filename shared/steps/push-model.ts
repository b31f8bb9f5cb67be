import { join } from 'node:path';
import { z } from 'zod';
import { escapeMarkdown, markdownTable } from '../report/markdown.js';
import { absolute, registryFor, registryInputs, shortDigest } from '../registry/step-access.js';
import { defineStep } from '../runner/types.js';

export interface PushModelData {
  name: string;
  version: string;
  digest: string;
  uri: string;
  /** False when the same content was already pushed and that version is returned. */
  created: boolean;
  alias?: string;
}

const inputs = z.object({
  ...registryInputs,
  path: z.string().min(1).describe('The model: a directory (every file under it is pushed) or a single file.'),
  alias: z.string().optional().describe('Point this alias (e.g. `staging`) at the pushed version.'),
  evidence: z.string().optional().describe('Directory of evidence JSON to attach to the version (default `<out-dir>/evidence`).'),
});

export const pushModelStep = defineStep({
  name: 'push-model',
  description: 'Pushes a model to a registry, content-addressed and atomic, with the evidence of the earlier steps attached; identical content returns the existing version.',
  inputs,
  outputs: {
    'model-version': 'The version number the model has in the registry.',
    'model-digest': 'Content digest of the model files (sha256 over the sorted `sha256sum` lines).',
    'model-uri': 'Where this exact version can be fetched from.',
    created: "'false' when identical content was already in the registry.",
  },
  async run(inputs, ctx) {
    const registry = registryFor(inputs, ctx);
    const path = absolute(inputs.path, ctx);
    const run = ctx.platform.run();
    const pushed = await ctx.platform.group(`Push ${inputs.name} to ${registry.displayUri}`, () =>
      registry.push({
        name: inputs.name,
        path,
        evidenceDir: inputs.evidence ? absolute(inputs.evidence, ctx) : join(ctx.outDir, 'evidence'),
        // The record of an earlier push is not evidence about this model.
        evidenceExclude: ['push-model.json'],
        metadata: { ...(run.sha ? { gitSha: run.sha } : {}), ...(run.url ? { runUrl: run.url } : {}) },
      }),
    );
    if (inputs.alias) await registry.setAlias({ name: inputs.name, alias: inputs.alias, version: pushed.version });
    const data: PushModelData = { name: pushed.name, version: pushed.version, digest: pushed.digest, uri: pushed.uri, created: pushed.created, ...(inputs.alias ? { alias: inputs.alias } : {}) };
    const verb = pushed.created ? 'pushed' : 'already in the registry as';
    return {
      status: 'passed',
      summary: `${pushed.name} ${verb} version ${pushed.version} (${shortDigest(pushed.digest)})${inputs.alias ? `, alias ${inputs.alias}` : ''}`,
      data,
      outputs: { 'model-version': pushed.version, 'model-digest': pushed.digest, 'model-uri': pushed.uri, created: String(pushed.created) },
      markdown: markdownTable(
        ['model', 'version', 'digest', 'registry', 'new'],
        [[escapeMarkdown(pushed.name), pushed.version, `\`${shortDigest(pushed.digest)}\``, escapeMarkdown(registry.displayUri), pushed.created ? 'yes' : 'no (same content)']],
      ),
      // No files.inputs: the evidence would hash a multi-GB model a second time; `data.digest`
      // is the content digest and the registry keeps every file's digest.
    };
  },
});
