import { describe, expect, it } from 'vitest';
import { Redactor, isSecretName, secretOfEntry, urlPasswords } from '../../shared/text/redact.js';

describe('the one redactor', () => {
  it.each(['MY_TOKEN', 'api_key', 'DB_PASSWORD', 'AWS_SECRET_ACCESS_KEY', 'SSH_PRIVATE', 'AUTH_HEADER'])('%s is a secret name', (name) => expect(isSecretName(name)).toBe(true));
  it.each(['SEED', 'EPOCHS', 'DATA_DIR'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));

  it('finds secrets in NAME=value entries and URL passwords, and redacts them in nested data', () => {
    expect(secretOfEntry('MY_TOKEN=abc=def')).toBe('abc=def');
    expect(secretOfEntry('SEED=42')).toBeUndefined();
    expect(urlPasswords('pull https://me:s3cr3t@host/x and ftp://a:b@c')).toEqual(['s3cr3t', 'b']);
    const redactor = new Redactor();
    redactor.addFrom({ env: ['MY_TOKEN=tok-1234', 'SEED=42'], url: 'https://me:pw-5678@host' });
    expect(redactor.redactData({ env: ['MY_TOKEN=tok-1234'], said: ['token tok-1234 used', 42, null], 'tok-1234': true, at: 'https://other:pw-5678@h' })).toEqual({
      env: ['MY_TOKEN=***'],
      said: ['token *** used', 42, null],
      '***': true,
      at: 'https://other:***@h',
    });
  });

  it('ignores values too short to be secrets, as GitHub does', () => {
    const redactor = new Redactor();
    redactor.add('abc');
    expect(redactor.redact('abc')).toBe('abc');
  });
});
