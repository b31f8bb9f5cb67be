import { isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.js';
import { digestPath } from '../files/paths.js';
import type { FileDigest } from '../files/digest.js';
import { usageError } from '../errors.js';
import type { PlatformName, RunInfo } from '../platform/types.js';
import type { GitState } from './git-state.js';
import { TOOL_VERSION } from '../version.js';
import { EVIDENCE_SCHEMA_VERSION, type Evidence, type StepStatus } from './record.js';

export { EVIDENCE_SCHEMA_VERSION, type Evidence, type StepStatus } from './record.js';

export function evidencePath(outDir: string, step: string): string {
  return join(outDir, 'evidence', `${step.replace(/\s+/g, '-')}.json`);
}

/** Paths in evidence are relative to the working directory, so evidence from CI reads the same on a laptop. */
export async function digestFiles(paths: readonly string[], cwd: string): Promise<FileDigest[]> {
  const unique = [...new Set(paths.map((path) => resolve(cwd, path)))];
  return Promise.all(
    unique.map(async (absolute) => {
      const display = relative(cwd, absolute) || '.';
      const digest = await digestPath(absolute, isAbsolute(display) ? absolute : display.split('\\').join('/')).catch((error: NodeJS.ErrnoException) => {
        throw usageError(`cannot read ${display} to record its digest: ${error.code ?? String(error)}`, { code: 'evidence-file-unreadable', location: { file: display } });
      });
      if (!digest) {
        throw usageError(`${display} does not exist, so its digest cannot be recorded`, {
          code: 'evidence-file-missing',
          location: { file: display },
          hint: 'A step listed a file it did not produce; check the paths given to the step.',
        });
      }
      return { path: digest.path, sha256: digest.sha256, bytes: digest.bytes };
    }),
  );
}

export interface EvidenceDraft {
  step: string;
  status: StepStatus;
  summary: string;
  startedAt: Date;
  finishedAt: Date;
  platform: PlatformName;
  run: RunInfo;
  git: GitState;
  parameters: Record<string, unknown>;
  inputFiles: readonly string[];
  outputFiles: readonly string[];
  result: unknown;
  cwd: string;
}

export async function buildEvidence(draft: EvidenceDraft): Promise<Evidence> {
  const [inputs, outputs] = await Promise.all([digestFiles(draft.inputFiles, draft.cwd), digestFiles(draft.outputFiles, draft.cwd)]);
  return {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    step: draft.step,
    status: draft.status,
    summary: draft.summary,
    startedAt: draft.startedAt.toISOString(),
    finishedAt: draft.finishedAt.toISOString(),
    durationMs: draft.finishedAt.getTime() - draft.startedAt.getTime(),
    tool: { name: 'modelci', version: TOOL_VERSION, node: process.version },
    platform: draft.platform,
    run: draft.run,
    git: draft.git,
    parameters: draft.parameters,
    inputs,
    outputs,
    result: draft.result,
  };
}

export async function writeEvidence(outDir: string, evidence: Evidence): Promise<string> {
  const path = evidencePath(outDir, evidence.step);
  await writeFileAtomic(path, `${JSON.stringify(evidence, null, 2)}\n`);
  return path;
}
