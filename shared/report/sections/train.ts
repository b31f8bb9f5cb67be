import { formatBytes, formatDuration } from '../../train/summary.js';
import type { TrainData } from '../../train/types.js';
import { cell, code, paragraph, raw, strong, sub, table, type Block, type Inline, type Span } from '../blocks.js';
import { formatNumber } from '../markdown.js';

function metricCell(value: unknown): Inline {
  if (typeof value === 'number') return cell(formatNumber(value));
  if (value === null) return cell('—');
  return [String(value)];
}

function codeNote(data: TrainData): Span[] {
  if (!data.code.git) return [raw('code: no git')];
  return [raw('code '), data.code.gitSha ? code(data.code.gitSha.slice(0, 12)) : raw('(no commit)'), raw(data.code.dirty ? ' + uncommitted changes' : '')];
}

/** A train run: how it ran (or that the cache restored it), its metrics and outputs, and what keyed it. */
export function trainSection(status: string, data: TrainData): Block[] {
  const how: Span[] = data.cacheHit
    ? [raw('cache hit: outputs restored from the run of '), data.cachedRun?.createdAt ?? 'an earlier run', raw(` (took ${formatDuration(data.cachedRun?.durationMs ?? 0)}), command not run`)]
    : [raw(`exit code ${data.exitCode ?? '—'}, ${formatDuration(data.durationMs)}`)];
  const blocks: Block[] = [paragraph(strong(raw(status)), raw(' · '), data.command, raw(' · '), ...how)];
  if (data.error) blocks.push({ kind: 'quote', text: [data.error] });
  const metrics = Object.entries(data.metrics);
  if (metrics.length > 0) blocks.push(table([cell('metric'), cell('value')], metrics.map(([name, value]) => [[name], metricCell(value)]), ['left', 'right']));
  if (data.outputs.length > 0) {
    blocks.push(table(
      [cell('output'), cell('sha256'), cell('size')],
      data.outputs.map((o) => [[o.kind === 'directory' ? `${o.path}/` : o.path], [code(o.sha256.slice(0, 12))], cell(formatBytes(o.bytes))]),
      ['left', 'left', 'right'],
    ));
  }
  blocks.push(paragraph(sub(...codeNote(data), raw(' · cache key '), code(data.cacheKey.slice(0, 12)))));
  return blocks;
}
