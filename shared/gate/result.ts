import { z } from 'zod';

const checkSchema = z.strictObject({
  name: z.string().describe('version-exists, evidence:<step>, previous-stage, min-soak, approvals, alias-move, deploy, analysis:<metric>, record.'),
  passed: z.boolean(),
  detail: z.string().describe('One line with the numbers: what was seen against what was required.'),
  data: z.record(z.string(), z.unknown()).optional().describe('The numbers behind the detail (values, bounds, queries, times), as the audit record keeps them.'),
});

const moveSchema = z.strictObject({
  alias: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  seq: z.number().int(),
  at: z.string(),
  by: z.string(),
  kind: z.enum(['promote', 'rollback']).describe('promote: into the stage after its checks; rollback: back to the version before.'),
  reason: z.string(),
});

/** The gate step's result, as its evidence records it; see docs/gate.md. */
export const gateResult = z.strictObject({
  decision: z.enum(['allow', 'deny']),
  stage: z.string(),
  name: z.string(),
  version: z.string(),
  digest: z.string().nullable().describe("The version's content digest; null when the version does not exist."),
  previousVersion: z.string().nullable().describe('What the stage alias held when the checks ran.'),
  reverified: z.boolean().describe('The version was already in the stage: checked again, not moved.'),
  reason: z.string().describe('One line: why allowed or the first reason for the denial.'),
  checks: z.array(checkSchema),
  moves: z.array(moveSchema).describe('Every alias move this run made, with its reason.'),
  policyDigest: z.string().describe('sha256 of the stage as configured (canonical JSON).'),
  record: z.string().nullable().describe('Name of the audit record attached to the version.'),
  registry: z.string(),
});

export type GateData = z.infer<typeof gateResult>;
export type AliasMove = z.infer<typeof moveSchema>;

/** verify's result: does the stage's current version hold an allow record that matches? */
export const verifyResult = z.strictObject({
  verified: z.boolean(),
  stage: z.string(),
  name: z.string(),
  version: z.string().nullable(),
  digest: z.string().nullable(),
  policyDigest: z.string(),
  reason: z.string(),
  record: z.string().nullable().describe('The allow record that covers the current move.'),
  checks: z.array(checkSchema),
  registry: z.string(),
});

export type VerifyData = z.infer<typeof verifyResult>;

/** rollback's result. */
export const rollbackResult = z.strictObject({
  rolledBack: z.boolean(),
  stage: z.string(),
  name: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  reason: z.string(),
  moves: z.array(moveSchema),
  record: z.string().nullable(),
  registry: z.string(),
});

export type RollbackData = z.infer<typeof rollbackResult>;
