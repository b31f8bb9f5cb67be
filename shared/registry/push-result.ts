import { z } from 'zod';

/** The push-model step's result, as its evidence records it; see docs/registry.md. */
export interface PushModelData {
  name: string;
  version: string;
  digest: string;
  uri: string;
  /** False when the same content was already pushed and that version is returned. */
  created: boolean;
  alias?: string;
  /** Evidence attached (file names) and left out (with the reason). */
  attached: string[];
  skipped: { file: string; reason: string }[];
  /** Steps whose failed evidence was attached under allow-failed-evidence. */
  allowedFailedEvidence: string[];
  /** Steps whose failed evidence refused the push. */
  failedEvidence?: string[];
  /** The registry, as shown to people (no credentials). */
  registry: string;
}

export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

/** The push-model step's result schema. */
export const pushModelResult = z.strictObject({
  name: z.string(),
  version: z.string().describe('Empty when the push was refused.'),
  digest: z.string(),
  uri: z.string(),
  created: z.boolean(),
  alias: z.string().optional(),
  attached: z.array(z.string()),
  skipped: z.array(z.strictObject({ file: z.string(), reason: z.string() })),
  allowedFailedEvidence: z.array(z.string()),
  failedEvidence: z.array(z.string()).optional(),
  registry: z.string(),
}) satisfies z.ZodType<PushModelData>;
