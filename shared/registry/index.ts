import { isAbsolute, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { FileRegistry } from './file.js';
import { isLoopback } from '../http/error-text.js';
import { MlflowRegistry } from './mlflow.js';
import { OciRegistry } from './oci.js';
import type { Registry, RegistryOptions } from './types.js';

export type * from './types.js';
export { contentDigest, scanModel } from './model-files.js';

const SCHEMES = 'file://PATH, oci://HOST[:PORT]/NAMESPACE, mlflow+http://HOST[:PORT] or mlflow+https://HOST';

function badUri(uri: string, why: string): Error {
  return usageError(`Invalid registry URI '${redactUri(uri)}': ${why}.`, { code: 'registry-bad-uri', hint: `Use ${SCHEMES}.` });
}

/** Drops any user:password@ part so a URI can be logged. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/)[^/@]*@/i, '$1***@');
}

/** Picks the backend by scheme. Credentials go in options, never in the URI. */
export function openRegistry(uri: string, options: RegistryOptions): Registry {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(uri.trim());
  if (!match) throw badUri(uri, 'no scheme');
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  if (/^[^/]*@/.test(rest)) throw badUri(uri, 'credentials in the URI would end up in logs; pass --username/--password or --token instead');
  switch (scheme) {
    case 'file': {
      if (!rest) throw badUri(uri, 'no path');
      const path = decodeURIComponent(rest);
      return new FileRegistry(isAbsolute(path) ? path : resolve(options.cwd, path), options);
    }
    case 'oci': {
      const slash = rest.indexOf('/');
      const host = slash === -1 ? rest : rest.slice(0, slash);
      const namespace = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
      if (!host) throw badUri(uri, 'no host');
      try {
        new URL(`http://${host}`);
      } catch {
        throw badUri(uri, `'${host}' is not a host[:port]`);
      }
      if (namespace && !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(namespace)) {
        throw badUri(uri, `'${namespace}' is not a valid OCI repository namespace (lowercase, digits, . _ - and /)`);
      }
      return new OciRegistry(host, namespace, options);
    }
    case 'mlflow+http':
    case 'mlflow+https': {
      if (!rest || rest.startsWith('/')) throw badUri(uri, 'no host');
      const protocol = scheme.slice('mlflow+'.length);
      if (protocol === 'http' && !options.insecure) {
        const hostname = new URL(`http://${rest}`).hostname;
        if (!isLoopback(hostname)) throw badUri(uri, 'plain HTTP to a non-loopback MLflow server would send the token in clear text; use mlflow+https:// or pass --insecure');
      }
      return new MlflowRegistry(`${protocol}://${rest}`, options);
    }
    default:
      throw badUri(uri, `unknown scheme '${scheme}'`);
  }
}
