import { usageError } from '../errors.js';

const NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Model names must be valid as a path segment, an OCI repository component and an MLflow name. */
export function checkModelName(name: string): void {
  if (!NAME.test(name) || name.length > 128) {
    throw usageError(`Invalid model name '${name}'.`, {
      code: 'registry-bad-name',
      hint: 'Use lowercase letters, digits and single . _ - separators (e.g. churn or churn-xgb), at most 128 characters.',
    });
  }
}

const ALIAS = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;

export function checkAlias(alias: string): void {
  if (!ALIAS.test(alias) || /^(content|history|modelci)-/i.test(alias) || /^v\d+$/.test(alias)) {
    throw usageError(`Invalid alias '${alias}'.`, {
      code: 'registry-bad-alias',
      hint: 'An alias starts with a letter, then letters, digits, _ or - (e.g. champion, staging); it may not look like a version (v3) or start with content-, history- or modelci-.',
    });
  }
}

const RECORD = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A record's name is a file name in every backend (a path segment, an MLflow artifact, an OCI annotation). */
export function checkRecordName(record: string): void {
  if (!RECORD.test(record) || record.includes('..')) {
    throw usageError(`Invalid record name '${record}'.`, { code: 'registry-bad-name', hint: 'A record name is a file name of letters, digits, . _ and -, at most 128 characters.' });
  }
}

export function isVersion(text: string): boolean {
  return /^[1-9][0-9]{0,8}$/.test(text);
}

/** `3`, `v3` -> `3`; anything else is an alias name. */
export function normalizeVersion(text: string): string | undefined {
  const bare = text.startsWith('v') ? text.slice(1) : text;
  return isVersion(bare) ? bare : undefined;
}
