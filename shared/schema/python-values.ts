/** Values as frictionless-py reads them with Python: json.loads (with NaN and Infinity), dict equality, base64. */

/** A JSON object, or undefined for anything else (frictionless-py's object type). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  const value = parsePythonJson(text);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Python's json.loads: JSON plus the bare constants NaN, Infinity and -Infinity (read here as
 * numbers). Returns undefined for text it refuses.
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (!/NaN|Infinity/.test(text)) return undefined;
  }
  // The bare constants outside strings become strings marked with a NUL, which the reviver reads back as numbers.
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (text.startsWith('NaN', i)) {
      out += '"\\u0000NaN"';
      i += 2;
    } else if (text.startsWith('-Infinity', i)) {
      out += '"\\u0000-Infinity"';
      i += 8;
    } else if (text.startsWith('Infinity', i)) {
      out += '"\\u0000Infinity"';
      i += 7;
    } else out += c;
  }
  try {
    return JSON.parse(out, (_key, value: unknown) => (typeof value === 'string' && value.startsWith('\u0000') ? Number(value.slice(1)) : value)) as unknown;
  } catch {
    return undefined;
  }
}

/** JSON with object keys sorted, so equal objects (Python dict equality) have one text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * base64.b64decode(s) without validate=True, as binascii reads it: a str must be ASCII;
 * characters outside the alphabet are skipped; a complete padding ends the data (what follows
 * is ignored); the data characters must then fill whole quads.
 */
export function isPythonBase64(text: string): boolean {
  let quad = 0;
  let pads = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return false;
    if (c === 61) {
      if (quad >= 2 && quad + ++pads >= 4) return true;
      continue;
    }
    const alphabet = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!alphabet) continue;
    pads = 0;
    quad = (quad + 1) % 4;
  }
  return quad === 0;
}
