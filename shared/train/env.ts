import { usageError } from '../errors.js';

export { isSecretName } from '../text/redact.js';

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

