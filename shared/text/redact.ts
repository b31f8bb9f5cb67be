/**
 * The one redactor: every secret value the run knows of is replaced by `***` before text or
 * data reaches a log, a summary, an output, evidence or the registry.
 */

const SECRET_NAME = /TOKEN|SECRET|PASSW(OR)?D|PASSPHRASE|KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION/i;
const ENV_ENTRY = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
// scheme://user:password@host: the password part.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi;

export const REDACTED = '***';

/** Names that look like credentials (`*TOKEN*`, `*SECRET*`, `*PASSWORD*`, `*KEY*`, ...): their values are secrets. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The secret a `NAME=value` entry carries, when its name looks like a credential. */
export function secretOfEntry(entry: string): string | undefined {
  const match = ENV_ENTRY.exec(entry);
  return match && isSecretName(match[1]!) ? match[2] : undefined;
}

/** Passwords written into URLs (`https://user:pass@host`). */
export function urlPasswords(text: string): string[] {
  return [...text.matchAll(URL_PASSWORD)].map((match) => match[2]!);
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private ordered: string[] = [];

  add(secret: string): void {
    // Very short values would redact ordinary words; GitHub ignores them too.
    if (secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  /** Adds the secrets a value holds: secret-named entries and URL passwords, in strings and lists. */
  addFrom(value: unknown): void {
    for (const text of strings(value)) {
      const entry = secretOfEntry(text);
      if (entry !== undefined) this.add(entry);
      for (const password of urlPasswords(text)) this.add(password);
    }
  }

  forEach(visit: (secret: string) => void): void {
    for (const secret of this.ordered) visit(secret);
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    let result = text.replace(URL_PASSWORD, `$1${REDACTED}@`);
    for (const secret of this.ordered) result = result.split(secret).join(REDACTED);
    return result;
  }

  /** A copy of JSON-like data with every string redacted (keys included). */
  redactData<T>(value: T): T {
    return redactDeep(value, this) as T;
  }
}

function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) yield* strings(item);
}

function redactDeep(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redactor));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactor.redact(key), redactDeep(item, redactor)]));
  }
  return value;
}
