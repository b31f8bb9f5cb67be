import { join } from 'node:path';
import { bindRecords, type BoundEvidence } from '../evidence/bind.js';
import { readRegistryEvidence, type EvidenceFolder, type ResultSchemas } from '../evidence/read.js';
import type { Registry, VersionDetails } from '../registry/types.js';
import type { GateCheck } from './types.js';

function hexOf(digest: string): string {
  return digest.replace(/^sha256:/, '');
}

/**
 * Which attached records belong to the version's content: the same chain push-model binds by
 * (train's outputs hold the content, evaluate scored that run's predictions, compare compared that
 * evaluation, data checks read what train read). A single-file model's train output is the file.
 */
async function bound(folder: EvidenceFolder, details: VersionDetails, cwd: string): Promise<BoundEvidence> {
  const asDirectory = await bindRecords(folder, { kind: 'directory', sha256: hexOf(details.digest) }, cwd);
  const [only] = details.files;
  if (asDirectory.attach.some((file) => file.name === 'train.json') || details.files.length !== 1 || !only) return asDirectory;
  return bindRecords(folder, { kind: 'file', sha256: hexOf(only.digest) }, cwd);
}

/** One check per required step: its evidence is attached to the version, passed, and belongs to the version's content digest. */
export async function requiredEvidenceChecks(registry: Registry, details: VersionDetails, requires: readonly string[], scratch: string, results: ResultSchemas): Promise<GateCheck[]> {
  if (requires.length === 0) return [];
  const dest = join(scratch, 'evidence');
  const folder = await readRegistryEvidence(registry, details.name, details.version, dest, results);
  const binding = await bound(folder, details, dest);
  const belongs = new Set(binding.attach.map((file) => file.name));
  const at = `${details.name} version ${details.version}`;
  return requires.map((step): GateCheck => {
    const name = `evidence:${step}`;
    const record = folder.records.find((each) => each.step === step);
    if (!record) {
      const unreadable = folder.unreadable.find((each) => each.file === `${step}.json`);
      return { name, passed: false, detail: unreadable ? `the ${step} evidence attached to ${at} cannot be read: ${unreadable.reason}` : `no ${step} evidence is attached to ${at}`, data: { step, attached: folder.records.map((each) => each.step) } };
    }
    const data = { step, file: record.file, status: record.status, summary: record.summary, finishedAt: record.finishedAt, versionDigest: details.digest };
    if (!belongs.has(record.file)) {
      const why = binding.skipped.find((each) => each.file === record.file)?.reason ?? 'nothing ties it to this content';
      return { name, passed: false, detail: `the ${step} evidence attached to ${at} belongs to other content than ${details.digest}: ${why}`, data };
    }
    if (record.status !== 'passed') return { name, passed: false, detail: `the ${step} evidence of ${at} says ${record.status}: ${record.summary}`, data };
    return { name, passed: true, detail: `${step} passed for ${details.digest}: ${record.summary}`, data };
  });
}
