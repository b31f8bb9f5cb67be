import { join } from 'node:path';
import { z } from 'zod';
import { pushModelResult, shortDigest, type PushModelData } from '../registry/push-result.js';
import { absolute, registryFor, registryInputs } from '../registry/step-access.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { pushModelSection } from '../report/sections/push-model.js';
import { trainResult } from '../train/result-schema.js';
import { evaluateResult } from '../metrics/evaluation.js';
import { compareResult } from '../compare/result.js';
import { defineStep } from '../runner/types.js';
import { bindEvidence } from '../evidence/bind.js';
import { digestPath } from '../files/paths.js';
import { usageError } from '../errors.js';

const inputs = z.object({
  ...registryInputs,
  path: z.string().min(1).describe('The model: a directory (every file under it is pushed) or a single file.'),
  alias: z.string().optional().describe('Point this alias (e.g. `staging`) at the pushed version.'),
  evidence: z.string().optional().describe('Directory of evidence JSON to attach to the version (default `<out-dir>/evidence`); only records that belong to the pushed content are attached.'),
  allowFailedEvidence: z.boolean().default(false).describe('Push even when attached evidence failed (e.g. evaluate below its thresholds); recorded in the version metadata and the evidence.'),
});

export const pushModelStep = defineStep({
  name: 'push-model',
  description: 'Pushes a model to a registry, content-addressed and atomic, with the evidence of the earlier steps attached; identical content returns the existing version.',
  inputs,
  result: pushModelResult,
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
    const content = await digestPath(path, inputs.path);
    if (!content) throw usageError(`Model path '${inputs.path}' does not exist.`, { code: 'registry-no-model', hint: 'Pass --path the directory (or file) your train step wrote.' });
    const evidence = await bindEvidence(inputs.evidence ? absolute(inputs.evidence, ctx) : join(ctx.outDir, 'evidence'), content, ctx.cwd, { train: trainResult, evaluate: evaluateResult, compare: compareResult });
    for (const { file, reason } of evidence.skipped) ctx.platform.warning(`Not attaching ${file} to ${inputs.name}: ${reason}.`);
    if (evidence.failed.length && !inputs.allowFailedEvidence) {
      const refused: PushModelData = { name: inputs.name, version: '', digest: '', uri: '', created: false, attached: evidence.attach.map((file) => file.name), skipped: evidence.skipped, allowedFailedEvidence: [], failedEvidence: evidence.failed, registry: registry.displayUri };
      return {
        status: 'failed',
        summary: `refused: the ${evidence.failed.join(', ')} evidence of this model failed`,
        data: refused,
        markdown: renderMarkdown(pushModelSection('failed', refused)),
      };
    }
    const allowedFailedEvidence = inputs.allowFailedEvidence ? evidence.failed : [];
    const pushed = await ctx.platform.group(`Push ${inputs.name} to ${registry.displayUri}`, () =>
      registry.push({
        name: inputs.name,
        path,
        evidence: evidence.attach,
        metadata: {
          ...(run.sha ? { gitSha: run.sha } : {}),
          ...(run.url ? { runUrl: run.url } : {}),
          ...(evidence.metrics ? { metrics: evidence.metrics } : {}),
          ...(evidence.evaluateRows ? { evaluateRows: evidence.evaluateRows } : {}),
          ...(allowedFailedEvidence.length ? { allowedFailedEvidence } : {}),
        },
      }),
    );
    if (inputs.alias) await registry.setAlias({ name: inputs.name, alias: inputs.alias, version: pushed.version });
    const data: PushModelData = {
      name: pushed.name,
      version: pushed.version,
      digest: pushed.digest,
      uri: pushed.uri,
      created: pushed.created,
      ...(inputs.alias ? { alias: inputs.alias } : {}),
      attached: evidence.attach.map((file) => file.name),
      skipped: evidence.skipped,
      allowedFailedEvidence,
      registry: registry.displayUri,
    };
    const verb = pushed.created ? 'pushed' : 'already in the registry as';
    return {
      status: 'passed',
      summary: `${pushed.name} ${verb} version ${pushed.version} (${shortDigest(pushed.digest)})${inputs.alias ? `, alias ${inputs.alias}` : ''}`,
      data,
      outputs: { 'model-version': pushed.version, 'model-digest': pushed.digest, 'model-uri': pushed.uri, created: String(pushed.created) },
      markdown: renderMarkdown(pushModelSection('passed', data)),
      // No files.inputs: the evidence would hash a multi-GB model a second time; `data.digest`
      // is the content digest and the registry keeps every file's digest.
    };
  },
});
