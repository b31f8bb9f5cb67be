import type { GateData } from '../../gate/result.js';
import { shortDigest } from '../../registry/push-result.js';
import { code, paragraph, raw, strong, table, type Block, type Inline } from '../blocks.js';

/** The decision, then every check with its numbers, then every alias move with its reason. */
export function gateSection(data: GateData): Block[] {
  const blocks: Block[] = [
    paragraph(strong(raw(data.decision)), raw(' · stage '), code(data.stage), raw(' · '), data.name, raw(' version '), data.version, ...(data.digest ? [raw(' '), code(shortDigest(data.digest))] : []), raw(data.reverified ? ' · already in the stage, checked again' : '')),
    paragraph(data.reason),
  ];
  if (data.checks.length) {
    blocks.push(table([[raw('check')], [raw('result')], [raw('detail')]], data.checks.map((check): Inline[] => [[code(check.name)], [check.passed ? raw('pass') : strong(raw('fail'))], [check.detail]])));
  }
  if (data.moves.length) {
    blocks.push(table([[raw('alias')], [raw('from')], [raw('to')], [raw('seq')], [raw('when')], [raw('reason')]], data.moves.map((move): Inline[] => [[code(move.alias)], [move.from ?? '—'], [move.to], [raw(String(move.seq))], [move.at], [move.reason]])));
  }
  if (data.record) blocks.push(paragraph(raw('Audit record '), code(data.record), raw(' attached to the version.')));
  return blocks;
}
