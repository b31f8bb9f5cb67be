import { shortDigest, type PushModelData } from '../../registry/push-result.js';
import { cell, code, paragraph, raw, table, type Block, type Span } from '../blocks.js';

/** The version pushed, or why the push was refused. */
export function pushModelSection(status: string, data: PushModelData): Block[] {
  if (status === 'failed' && data.failedEvidence) {
    const steps = data.failedEvidence.flatMap((step, i): Span[] => (i === 0 ? [code(step)] : [raw(', '), code(step)]));
    return [paragraph(raw('Not pushed: the '), ...steps, raw(' evidence of this model failed. Fix it, or set '), code('allow-failed-evidence: true'), raw(' to push anyway (recorded on the version).'))];
  }
  return [table(
    [cell('model'), cell('version'), cell('digest'), cell('registry'), cell('new')],
    [[[data.name], [data.version], [code(shortDigest(data.digest))], [data.registry], cell(data.created ? 'yes' : 'no (same content)')]],
  )];
}
