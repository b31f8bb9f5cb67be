import type { Evidence } from '../evidence/record.js';

/** OpenMetrics names: letters, digits, `_` and `:`, not starting with a digit. */
function metricName(...parts: string[]): string {
  const name = parts.join('_').replace(/[^a-zA-Z0-9_:]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function line(name: string, value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? `${name} ${value}` : undefined;
}

/**
 * The run's numbers in OpenMetrics text, for GitLab's `artifacts:reports:metrics`, which shows
 * how each changed against the target branch in the merge request.
 */
export function openMetricsText(records: readonly Evidence[]): string {
  const lines: (string | undefined)[] = [];
  for (const record of records) {
    const result = record.result as Record<string, unknown>;
    if (record.step === 'evaluate') {
      for (const [name, metric] of Object.entries((result.metrics ?? {}) as Record<string, { value: number | null; ci: [number, number] | null }>)) {
        lines.push(line(metricName('evaluate', name), metric.value));
        if (metric.ci) lines.push(line(metricName('evaluate', name, 'ci_low'), metric.ci[0]), line(metricName('evaluate', name, 'ci_high'), metric.ci[1]));
      }
    } else if (record.step === 'compare') {
      for (const metric of (result.metrics ?? []) as { name: string; delta: number | null }[]) lines.push(line(metricName('compare', metric.name, 'delta'), metric.delta));
      lines.push(line('compare_promote', result.decision === 'promote' ? 1 : 0));
    } else if (record.step === 'validate-data') {
      lines.push(line('validate_data_rows', result.rowCount), line('validate_data_errors', result.errorCount));
      const drift = result.drift as { share?: number } | undefined;
      if (drift) lines.push(line('validate_data_drift_share', drift.share));
    } else if (record.step === 'train') {
      for (const [name, value] of Object.entries((result.metrics ?? {}) as Record<string, unknown>)) lines.push(line(metricName('train', name), value));
      lines.push(line('train_duration_seconds', typeof result.durationMs === 'number' ? result.durationMs / 1000 : undefined));
    }
  }
  return `${[...lines.filter((entry): entry is string => entry !== undefined), '# EOF'].join('\n')}\n`;
}
