/**
 * A value as a YAML flow scalar would show it in a message: `true`, `null`, `[large, medium, small]`,
 * strings bare when they read unambiguously and JSON-quoted otherwise. Never Python's repr.
 */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return /^[\p{L}\p{N}_./-]+( [\p{L}\p{N}_./-]+)*$/u.test(value) && !/^(true|false|null|~|[-+]?\d)/i.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(displayValue).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
