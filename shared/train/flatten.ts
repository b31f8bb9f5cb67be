export type Scalar = number | string | boolean | null;

/**
 * DVC-style flattening: nested objects become dotted keys (`{train: {loss: 1}}` -> `train.loss`).
 * Arrays are kept whole when `keepArrays` (params), or dropped (metrics: a curve is not a metric).
 */
export function flatten(value: unknown, options: { keepArrays: boolean }, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) into[prefix] = {};
    for (const [key, child] of entries) flatten(child, options, prefix ? `${prefix}.${key}` : key, into);
    return into;
  }
  if (!prefix) return into;
  if (Array.isArray(value) && !options.keepArrays) return into;
  into[prefix] = value;
  return into;
}

/** The inverse of flatten, for handing merged params back to the command as one JSON object. */
export function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1] as string] = value;
  }
  return root;
}

/** JSON with sorted object keys, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
