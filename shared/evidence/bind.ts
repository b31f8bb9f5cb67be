import { relative, resolve } from 'node:path';
import { sha256File } from '../files/digest.js';
import { readEvidenceFolder, type EvidenceFolder, type ResultSchemas } from './read.js';

/** The content about to be pushed: a file's sha256, or a directory's tree digest. */
export interface PushedContent {
  kind: 'file' | 'directory';
  sha256: string;
}

export interface BoundEvidence {
  /** Evidence files that belong to the pushed content, by the name they get in the version. */
  attach: { name: string; absolute: string }[];
  /** Evidence left out, and why. */
  skipped: { file: string; reason: string }[];
  /** Steps whose attached evidence did not pass. */
  failed: string[];
  /** evaluate's metric values, when its evidence was attached. */
  metrics?: Record<string, number>;
  /** Digest of the (id, label) pairs evaluate scored, so a later compare can pair rows with this version. */
  evaluateRows?: string;
}

interface Digested {
  sha256: string;
  kind?: string;
}

/** What binding reads of a record's result: train's outputs and data, evaluate's metrics and rows. */
interface BindableResult {
  outputs?: Digested[];
  data?: Digested[];
  metrics?: Record<string, { value: number | null }>;
  predictions?: { rowsDigest?: string };
}

const OWN_RECORD = 'push-model.json';

function digestsOf(items: readonly Digested[] | undefined): Set<string> {
  return new Set((items ?? []).map((item) => item.sha256));
}

/**
 * Picks the evidence that belongs to the pushed content: train's record of a run whose outputs
 * include exactly this content, evaluate's record of predictions that run produced, and the
 * records of steps that checked the data that run read. Everything else in the folder is about
 * something else (another model, an older run) and is left out with its reason.
 */
export async function bindEvidence(evidenceDir: string, content: PushedContent, cwd: string, results: ResultSchemas): Promise<BoundEvidence> {
  const folder = await readEvidenceFolder(evidenceDir, { shown: relative(cwd, evidenceDir) || evidenceDir, results, skip: [OWN_RECORD] });
  return bindRecords(folder, content, cwd);
}

/** The same choice over records already read (the gate reads a version's evidence, then asks which of it belongs to the version's content). */
export async function bindRecords(folder: EvidenceFolder, content: PushedContent, cwd: string): Promise<BoundEvidence> {
  const found = folder.records.map((record) => ({ ...record, result: (record.result ?? {}) as BindableResult }));
  const bound: BoundEvidence = { attach: [], skipped: folder.unreadable.map(({ file, reason }) => ({ file, reason: `not an evidence record modelci can read (${reason})` })), failed: [] };
  const train = found.find((record) => record.step === 'train' && (record.result.outputs ?? []).some((output) => output.sha256 === content.sha256 && (output.kind ?? 'file') === content.kind));
  const trained = train ? new Set([...digestsOf(train.result.outputs), ...digestsOf(train.outputs)]) : new Set<string>();
  const readByTrain = train ? new Set([...digestsOf(train.result.data), ...digestsOf(train.inputs)]) : new Set<string>();
  const evaluated = found.find((record) => record.step === 'evaluate' && record.inputs.some((input) => trained.has(input.sha256)));
  const evaluatedDigest = evaluated ? await sha256File(evaluated.absolute) : undefined;
  for (const record of found) {
    let reason: string | undefined;
    if (record.step === 'train') {
      if (record !== train) reason = 'its outputs do not include this content (another model or an older run)';
    } else if (!train) {
      reason = 'no train evidence in the folder produced this content, so nothing ties this record to it';
    } else if (record.step === 'evaluate') {
      if (!record.inputs.some((input) => trained.has(input.sha256))) reason = 'its predictions are not an output of the train run that produced this content';
    } else if (record.step === 'compare') {
      if (!record.inputs.some((input) => input.sha256 === evaluatedDigest)) reason = 'it compared another evaluation than the one of this content';
    } else if (!record.inputs.some((input) => readByTrain.has(input.sha256))) {
      reason = 'it checked none of the files the train run read';
    }
    if (reason) {
      bound.skipped.push({ file: record.file, reason });
      continue;
    }
    bound.attach.push({ name: record.file, absolute: record.absolute });
    if (record.status === 'failed') bound.failed.push(record.step);
    if (record.step === 'evaluate') {
      bound.metrics = metricValues(record.result.metrics);
      if (typeof record.result.predictions?.rowsDigest === 'string') bound.evaluateRows = record.result.predictions.rowsDigest;
      const predictions = record.inputs.find((input) => trained.has(input.sha256));
      if (predictions) bound.attach.push({ name: 'evaluate-predictions' + extension(predictions.path), absolute: resolve(cwd, predictions.path) });
    }
  }
  return bound;
}

function extension(path: string): string {
  const match = /\.[A-Za-z0-9]+$/.exec(path);
  return match ? match[0] : '';
}

function metricValues(metrics: BindableResult['metrics']): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [name, metric] of Object.entries(metrics ?? {})) {
    if (typeof metric?.value === 'number' && Number.isFinite(metric.value)) values[name] = metric.value;
  }
  return values;
}
