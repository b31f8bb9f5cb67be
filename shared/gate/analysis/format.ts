import type { ComparisonMetric, ThresholdMetric } from '../types.js';

/** A measured value for a progress line: four significant digits, no trailing zeros, NaN and ±Inf as Prometheus writes them. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** A bound as the user wrote it: `<= 0.01`, `>= 0.9`, `>= 0.9 and <= 1`. */
export function thresholdBound(metric: ThresholdMetric): string {
  const parts = [metric.min !== undefined ? `>= ${metric.min}` : '', metric.max !== undefined ? `<= ${metric.max}` : ''].filter(Boolean);
  return parts.join(' and ');
}

/** `increase <= 0.002 (Mann-Whitney, alpha 0.05)` */
export function comparisonBound(metric: ComparisonMetric): string {
  const parts = [
    metric['max-increase'] !== undefined ? `increase <= ${metric['max-increase']}` : '',
    metric['max-decrease'] !== undefined ? `decrease <= ${metric['max-decrease']}` : '',
  ].filter(Boolean);
  return `${parts.join(', ')} (Mann-Whitney, alpha ${metric.alpha})`;
}
