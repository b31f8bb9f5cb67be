/** Replaces registered secrets in text before it reaches a log, for platforms without runner-side masking. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string): void {
    // Very short values would redact ordinary words; GitHub ignores them too.
    if (secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('***');
    return result;
  }
}
