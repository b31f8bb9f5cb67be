import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { throttledProgress } from './http.js';
import { openRegistry } from './index.js';
import type { Registry } from './types.js';

/** What opening a registry for a step needs: paths, environment, cancellation, masking and a log. */
export interface RegistryStepContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  platform: { mask(secret: string): void; info(message: string): void };
}

/** Inputs every registry command shares; spread into each step's z.object. */
export const registryInputs = {
  registry: z
    .string()
    .min(1)
    .describe('Registry URI: `file://PATH` (a shared directory), `oci://HOST[:PORT]/NAMESPACE` (any OCI registry; the model name is appended) or `mlflow+https://HOST` (MLflow Model Registry).'),
  name: z.string().min(1).describe('Model name, e.g. `churn`: lowercase letters, digits and . _ - separators.'),
  insecure: z.boolean().default(false).describe('Allow plain HTTP to a non-loopback registry (loopback hosts always may). Never use it over a network you do not control.'),
  username: z.string().optional().describe('Registry user name (OCI basic auth or token service; MLflow basic auth). Falls back to MODELCI_REGISTRY_USERNAME or MLFLOW_TRACKING_USERNAME.'),
  password: z.string().optional().describe('Registry password. Falls back to MODELCI_REGISTRY_PASSWORD or MLFLOW_TRACKING_PASSWORD.').meta({ secret: true }),
  token: z.string().optional().describe('Registry token (OCI: a PAT or CI job token given to the token service; MLflow: a bearer token). Falls back to MODELCI_REGISTRY_TOKEN or MLFLOW_TRACKING_TOKEN.').meta({ secret: true }),
};

export interface RegistryInputs {
  registry: string;
  insecure: boolean;
  username?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
}

const SECRET_ENV = ['MODELCI_REGISTRY_PASSWORD', 'MODELCI_REGISTRY_TOKEN', 'MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_PASSWORD'];

/** Opens the registry for a step: masks every credential first, logs progress through the platform. */
export function registryFor(inputs: RegistryInputs, ctx: RegistryStepContext): Registry {
  for (const secret of [inputs.password, inputs.token, ...SECRET_ENV.map((name) => ctx.env[name])]) {
    if (secret) ctx.platform.mask(secret);
  }
  return openRegistry(inputs.registry, {
    cwd: ctx.cwd,
    env: ctx.env,
    signal: ctx.signal,
    insecure: inputs.insecure,
    ...(inputs.username !== undefined ? { username: inputs.username } : {}),
    ...(inputs.password !== undefined ? { password: inputs.password } : {}),
    ...(inputs.token !== undefined ? { token: inputs.token } : {}),
    progress: throttledProgress((line) => ctx.platform.info(line)),
  });
}

export function absolute(path: string, ctx: { cwd: string }): string {
  return isAbsolute(path) ? path : resolve(ctx.cwd, path);
}

export { shortDigest } from './push-result.js';
