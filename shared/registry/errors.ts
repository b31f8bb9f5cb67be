import { environmentError, usageError, type ModelciError } from '../errors.js';

export function notFound(name: string, versionOrAlias: string, where: string): ModelciError {
  return usageError(`Model '${name}' has no version or alias '${versionOrAlias}' in ${where}.`, {
    code: 'registry-not-found',
    hint: `Run 'modelci registry ls --registry ${where} --name ${name}' to see the versions and aliases.`,
  });
}

export function versionNotFound(name: string, version: string, where: string): ModelciError {
  return usageError(`Model '${name}' has no version ${version} in ${where}.`, {
    code: 'registry-not-found',
    hint: `Run 'modelci registry ls --registry ${where} --name ${name}' to see the versions.`,
  });
}

/** Wraps a failed registry call with what we were doing; never includes credentials. */
export function unreachable(what: string, where: string, cause: unknown): ModelciError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return environmentError(`Could not ${what} at ${where}: ${reason}`, {
    code: 'registry-unreachable',
    hint: 'Check that the registry is running and reachable from this job; retries were exhausted.',
    cause,
  });
}
