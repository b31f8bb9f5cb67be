import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RunInfo } from '../platform/types.js';
import type { Registry, VersionRecord } from '../registry/types.js';
import { TOOL_VERSION } from '../version.js';
import type { AliasMove } from './result.js';
import type { GateCheck } from './types.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const VSA_PREDICATE = 'https://slsa.dev/verification_summary/v1';
export const RECORD_MEDIA_TYPE = 'application/vnd.in-toto+json';
export const VERIFIER_ID = 'https://github.com/modelci/modelci/gate';

export type AuditAction = 'gate' | 'rollback';

/** What a gate or rollback decided, for its audit record. */
export interface AuditFacts {
  action: AuditAction;
  decision: 'allow' | 'deny';
  stage: string;
  name: string;
  version: string;
  /** `sha256:<hex>`, the version's content digest. */
  digest: string;
  resourceUri: string;
  /** Where the policy is written: `modelci.yaml#stages/staging`. */
  policyUri: string;
  policyDigest: string;
  policy: Record<string, unknown>;
  reason: string;
  checks: GateCheck[];
  moves: AliasMove[];
  previousVersion: string | null;
  who: string;
  at: string;
  run: RunInfo;
  registry: string;
}

const sha256Map = z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const moveSchema = z.strictObject({ alias: z.string(), from: z.string().nullable(), to: z.string(), seq: z.number().int(), at: z.string(), by: z.string(), kind: z.enum(['promote', 'rollback']), reason: z.string() });

/** The in-toto Statement of a promotion decision: a SLSA verification summary with modelci's own account beside it. */
export const auditStatementSchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(z.object({ name: z.string(), uri: z.string().optional(), digest: sha256Map })).min(1),
  predicateType: z.literal(VSA_PREDICATE),
  predicate: z.object({
    verifier: z.object({ id: z.string(), version: z.record(z.string(), z.string()).optional() }),
    timeVerified: z.iso.datetime(),
    resourceUri: z.string(),
    policy: z.object({ uri: z.string(), digest: sha256Map }),
    verificationResult: z.enum(['PASSED', 'FAILED']),
    verifiedLevels: z.array(z.string()),
    modelci: z.object({
      action: z.enum(['gate', 'rollback']),
      decision: z.enum(['allow', 'deny']),
      who: z.string(),
      when: z.iso.datetime(),
      stage: z.string(),
      model: z.object({ name: z.string(), version: z.string(), digest: z.string() }),
      previousVersion: z.string().nullable(),
      reason: z.string(),
      policy: z.record(z.string(), z.unknown()),
      checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string(), data: z.record(z.string(), z.unknown()).optional() })),
      moves: z.array(moveSchema),
      run: z.record(z.string(), z.unknown()),
      registry: z.string(),
    }),
  }),
});

export type AuditStatement = z.infer<typeof auditStatementSchema>;

function hex(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

export function auditStatement(facts: AuditFacts): AuditStatement {
  const passed = facts.decision === 'allow';
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: `${facts.name}@${facts.version}`, uri: facts.resourceUri, digest: { sha256: hex(facts.digest) } }],
    predicateType: VSA_PREDICATE,
    predicate: {
      verifier: { id: VERIFIER_ID, version: { modelci: TOOL_VERSION } },
      timeVerified: facts.at,
      resourceUri: facts.resourceUri,
      policy: { uri: facts.policyUri, digest: { sha256: hex(facts.policyDigest) } },
      verificationResult: passed ? 'PASSED' : 'FAILED',
      verifiedLevels: passed ? [`MODELCI_STAGE_${facts.stage.toUpperCase().replace(/-/g, '_')}`] : [],
      modelci: {
        action: facts.action,
        decision: facts.decision,
        who: facts.who,
        when: facts.at,
        stage: facts.stage,
        model: { name: facts.name, version: facts.version, digest: facts.digest },
        previousVersion: facts.previousVersion,
        reason: facts.reason,
        policy: facts.policy,
        checks: facts.checks.map((check) => ({ name: check.name, passed: check.passed, detail: check.detail, ...(check.data ? { data: check.data } : {}) })),
        moves: facts.moves,
        run: { ...facts.run },
        registry: facts.registry,
      },
    },
  };
}

/** `20261206T220102123Z-gate-staging-1a2b3c.intoto.json`: sorts by time, unique per run. */
export function recordName(action: AuditAction, stage: string, at: string): string {
  return `${at.replace(/[-:.]/g, '')}-${action}-${stage}-${randomBytes(3).toString('hex')}.intoto.json`;
}

/** Attaches the statement to the version it is about. */
export async function attachAudit(registry: Registry, facts: AuditFacts): Promise<VersionRecord> {
  const statement = auditStatement(facts);
  return registry.attachRecord({
    name: facts.name,
    version: facts.version,
    record: recordName(facts.action, facts.stage, facts.at),
    mediaType: RECORD_MEDIA_TYPE,
    content: Buffer.from(`${JSON.stringify(statement, null, 2)}\n`),
  });
}

export interface ReadAudit {
  record: VersionRecord;
  statement?: AuditStatement;
  /** Why the record is not an audit statement this modelci reads. */
  problem?: string;
}

/** The audit statements attached to a version (other records, or unreadable ones, with why). */
export async function readAudits(registry: Registry, name: string, version: string): Promise<ReadAudit[]> {
  const out: ReadAudit[] = [];
  for (const { record, content } of await registry.readRecords(name, version)) {
    if (record.mediaType !== RECORD_MEDIA_TYPE) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(content.toString('utf8'));
    } catch (error) {
      out.push({ record, problem: `not JSON: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const checked = auditStatementSchema.safeParse(parsed);
    if (checked.success) out.push({ record, statement: checked.data });
    else out.push({ record, problem: `not a modelci audit statement: ${checked.error.issues[0]?.path.join('.')}: ${checked.error.issues[0]?.message}` });
  }
  return out;
}
