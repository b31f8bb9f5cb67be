import { usageError } from '../errors.js';

const SECRET_NAME = /TOKEN|SECRET|PASSW(OR)?D|PASSPHRASE|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION/i;

/** Env names that look like credentials; their values are masked and never recorded. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function parseEnv(entries: string[]): [string, string][] {
  return entries.map((entry) => {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw usageError(`Env entry '${eq > 0 ? `${name}=…` : '…'}' is not KEY=VALUE.`, {
        code: 'train-env-invalid',
        hint: 'Write e.g. --env SEED=42; names are letters, digits and underscores.',
      });
    }
    return [name, entry.slice(eq + 1)];
  });
}

/** Replaces every known secret in a log line; the CI masks too, this covers local runs and fakes. */
export function redactor(secrets: string[]): (text: string) => string {
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  if (known.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of known) out = out.split(secret).join('***');
    return out;
  };
}
