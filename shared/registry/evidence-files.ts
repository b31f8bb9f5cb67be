import { stat, readFile } from 'node:fs/promises';
import { parseEvidence } from '../evidence/read.js';
import { digestOfFile, type ScannedFile } from './model-files.js';
import type { EvidenceEntry } from './types.js';

/** The evidence files to attach, hashed, each described by the step and status it records. */
export async function readEvidence(entries: readonly { name: string; absolute: string }[] | undefined): Promise<{ files: (ScannedFile & EvidenceEntry)[] }> {
  const files: (ScannedFile & EvidenceEntry)[] = [];
  for (const { name, absolute } of entries ?? []) {
    const info = await stat(absolute);
    if (!info.isFile()) continue;
    const entry: ScannedFile & EvidenceEntry = { path: name, absolute, digest: await digestOfFile(absolute), size: info.size };
    if (name.endsWith('.json')) {
      try {
        const record = parseEvidence(await readFile(absolute, 'utf8'), { shown: name });
        Object.assign(entry, { step: record.step, status: record.status, summary: record.summary });
      } catch {
        // Not a record this modelci reads (predictions, a newer schema): attach it anyway, undescribed.
      }
    }
    files.push(entry);
  }
  return { files };
}
