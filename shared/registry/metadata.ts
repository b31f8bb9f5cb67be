import { ciActor } from '../platform/run-info.js';
import type { PushMetadata } from './types.js';

/** Metrics travel as one JSON text where a backend stores only strings (OCI annotations, MLflow tags); `show` turns it back into an object. */
export function splitMetrics(metadata: Record<string, string>): { metadata: Record<string, string>; metrics?: Record<string, number> } {
  const { metrics, ...rest } = metadata;
  if (metrics === undefined) return { metadata: rest };
  try {
    const parsed = JSON.parse(metrics) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { metadata: rest, metrics: parsed as Record<string, number> };
  } catch {
    // Written by another tool: keep the text where it was.
  }
  return { metadata };
}

export function metadataRecord(metadata: PushMetadata | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (metadata?.gitSha) out.gitSha = metadata.gitSha;
  if (metadata?.runUrl) out.runUrl = metadata.runUrl;
  if (metadata?.metrics && Object.keys(metadata.metrics).length > 0) out.metrics = JSON.stringify(metadata.metrics);
  if (metadata?.evaluateRows) out.evaluateRows = metadata.evaluateRows;
  if (metadata?.allowedFailedEvidence?.length) out.allowedFailedEvidence = metadata.allowedFailedEvidence.join(',');
  return out;
}

/** Who moves an alias or pushes, for the history: the CI actor, else the local user. */
export function whoAmI(env: NodeJS.ProcessEnv): string {
  return ciActor(env) ?? env.USER ?? env.USERNAME ?? 'unknown';
}
