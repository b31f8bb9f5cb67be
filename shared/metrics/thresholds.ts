import { closestMatch } from '../text/did-you-mean.js';
import { usageError } from '../errors.js';
import type { MetricResult } from './summary.js';

export interface Threshold {
  metric: string;
  op: '>=' | '<=';
  threshold: number;
}

export interface ThresholdResult extends Threshold {
  value: number | null;
  passed: boolean;
  reason?: string;
}

/** Parses `name=value` from --min / --max (or the same keys in modelci.yaml). */
export function parseThresholds(specs: string[], op: '>=' | '<=', known: readonly string[]): Threshold[] {
  const flag = op === '>=' ? '--min' : '--max';
  return specs.flatMap((spec) => spec.split(',')).map((part) => part.trim()).filter(Boolean).map((part) => {
    const match = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(part);
    const value = match ? Number(match[2]!.trim()) : NaN;
    if (!match || !Number.isFinite(value)) {
      throw usageError(`${flag} '${part}' is not of the form metric=value`, { code: 'evaluate-bad-threshold', hint: `For example ${flag} ${op === '>=' ? 'roc_auc=0.8' : 'log_loss=0.5'}.` });
    }
    const metric = match[1]!;
    if (!known.includes(metric)) {
      const close = closestMatch(metric, known);
      throw usageError(`${flag} names unknown metric '${metric}'`, {
        code: 'evaluate-unknown-metric',
        hint: `${close ? `Did you mean '${close}'? ` : ''}Metrics for this task: ${known.join(', ')}.`,
      });
    }
    return { metric, op, threshold: value };
  });
}

/** Fail closed: a metric that is undefined (null) never passes a threshold. */
export function checkThresholds(thresholds: Threshold[], metrics: Record<string, MetricResult>): ThresholdResult[] {
  return thresholds.map((t) => {
    const m = metrics[t.metric];
    const value = m?.value ?? null;
    if (value === null) return { ...t, value: null, passed: false, reason: `${t.metric} is undefined${m?.reason ? `: ${m.reason}` : ''}; an undefined metric never passes` };
    const passed = t.op === '>=' ? value >= t.threshold : value <= t.threshold;
    return { ...t, value, passed };
  });
}
