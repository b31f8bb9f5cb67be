import { formatNumber } from '../report/markdown.js';
import type { TrainData } from './types.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const METRICS_SHOWN = 6;

/** `auc=0.91, loss=0.3` for the first few metrics, then how many more there are. */
export function metricsText(metrics: Record<string, unknown>): string {
  const entries = Object.entries(metrics);
  if (entries.length === 0) return 'no metrics';
  const shown = entries.slice(0, METRICS_SHOWN).map(([name, value]) => `${name}=${typeof value === 'number' ? formatNumber(value) : JSON.stringify(value)}`);
  return `${shown.join(', ')}${entries.length > METRICS_SHOWN ? ` and ${entries.length - METRICS_SHOWN} more` : ''}`;
}

export function summaryLine(status: string, data: TrainData): string {
  if (data.cacheHit) return `cache hit, restored ${data.outputs.length} output(s) from the run of ${data.cachedRun?.createdAt ?? 'an earlier run'}; ${metricsText(data.metrics)}`;
  if (data.error) return data.error;
  return `${status} in ${formatDuration(data.durationMs)}: ${metricsText(data.metrics)}; ${data.outputs.length} output(s)`;
}
