import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { ModelciError, usageError, type SourceLocation } from '../errors.js';
import { YamlSource } from '../text/yaml-source.js';
import { EVIDENCE_SCHEMA_VERSION, evidenceRecord, type Evidence } from './record.js';

/** Evidence is small; anything larger is not a record (or is an attack on the reader). */
const MAX_EVIDENCE_BYTES = 64 << 20;

/** Result schemas by step name; a record of a step without one keeps its result unchecked. */
export type ResultSchemas = Readonly<Record<string, z.ZodType>>;

export interface ReadOptions {
  /** How the file is named in messages (relative to the working directory). */
  shown: string;
  /** Refuse a record of another step. */
  step?: string;
  results?: ResultSchemas;
}

function jsonLocation(text: string, shown: string, message: string): SourceLocation {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { file: shown, line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(message);
  if (!position) {
    // Some Node versions name no position; the YAML parser (a JSON superset) finds the spot.
    try {
      YamlSource.parse(shown, text);
    } catch (error) {
      if (error instanceof ModelciError && error.location) return error.location;
    }
    return { file: shown };
  }
  const before = text.slice(0, Number(position[1]));
  return { file: shown, line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

/** Where a schema issue points in the file, when the file is small enough to map. */
function issueLocation(text: string, shown: string, path: readonly PropertyKey[]): SourceLocation {
  try {
    const source = YamlSource.parse(shown, text);
    const keys = path.filter((key): key is string | number => typeof key !== 'symbol');
    for (let depth = keys.length; depth >= 0; depth--) {
      const node = source.nodeAt(keys.slice(0, depth));
      if (node) return source.locateNode(node);
    }
  } catch {
    // Too large to map: the JSON path in the message still says where.
  }
  return { file: shown };
}

function issueText(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return `${path || '(the record)'}: ${issue.message}`;
}

/** Parses and validates one evidence record; `text` is the file's content. */
export function parseEvidence(text: string, options: ReadOptions): Evidence {
  const { shown } = options;
  if (text.trim() === '') throw usageError(`${shown} is empty, not an evidence record`, { code: 'evidence-invalid', location: { file: shown } });
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(`${shown} is not JSON: ${message.replace(/\s*\(line \d+ column \d+\)|\s*(in JSON )?at position \d+.*$/, '')}`, { code: 'evidence-invalid', location: jsonLocation(text, shown, message) });
  }
  const head = (doc && typeof doc === 'object' && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>;
  if (head.schemaVersion !== undefined && head.schemaVersion !== EVIDENCE_SCHEMA_VERSION) {
    throw usageError(`${shown} has evidence schema version ${JSON.stringify(head.schemaVersion)}; this modelci reads version ${EVIDENCE_SCHEMA_VERSION}`, {
      code: 'evidence-version',
      location: issueLocation(text, shown, ['schemaVersion']),
      hint: 'Read it with the modelci version that wrote it (its tool.version), or run the step again.',
    });
  }
  if (options.step !== undefined && typeof head.step === 'string' && head.step !== options.step) {
    throw usageError(`${shown} is the evidence of ${JSON.stringify(head.step)}, not of ${options.step}`, { code: 'evidence-wrong-step', location: issueLocation(text, shown, ['step']), hint: `Give the ${options.step} evidence (.modelci/evidence/${options.step}.json) or an out-dir holding it.` });
  }
  const parsed = evidenceRecord.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usageError(`${shown} is not a modelci evidence record: ${issueText(issue)}`, { code: 'evidence-invalid', location: issueLocation(text, shown, issue.path), hint: 'Evidence is written by modelci steps to <out-dir>/evidence/<step>.json; docs/evidence.schema.json describes it.' });
  }
  const schema = options.results?.[parsed.data.step];
  if (!schema) return parsed.data;
  const result = schema.safeParse(parsed.data.result);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw usageError(`${shown} holds a ${parsed.data.step} result this modelci cannot read: result.${issueText(issue)}`, { code: 'evidence-invalid', location: issueLocation(text, shown, ['result', ...issue.path]), hint: `Written by modelci ${parsed.data.tool.version}; read it with that version, or run ${parsed.data.step} again.` });
  }
  return { ...parsed.data, result: result.data };
}

/** Reads and validates one evidence file. */
export async function readEvidenceFile(path: string, options: ReadOptions): Promise<Evidence> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw usageError(`${options.shown} does not exist`, { code: 'evidence-missing', location: { file: options.shown }, hint: 'Run the step first, or give the evidence file or the out-dir holding it.' });
  if (info.size > MAX_EVIDENCE_BYTES) throw usageError(`${options.shown} is larger than ${MAX_EVIDENCE_BYTES} bytes; evidence records are small`, { code: 'evidence-invalid', location: { file: options.shown } });
  return parseEvidence(await readFile(path, 'utf8'), options);
}

export interface EvidenceFolder {
  /** Valid records, by file name order. */
  records: (Evidence & { file: string; absolute: string })[];
  /** JSON files in the folder that are not records this modelci reads, and why. */
  unreadable: { file: string; reason: string }[];
}

/**
 * Every record in an evidence folder: `<out-dir>/evidence`, a downloaded artifact, or the
 * evidence pulled from a registry version. A folder that does not exist holds no records.
 */
export async function readEvidenceFolder(dir: string, options: { shown: string; results?: ResultSchemas; skip?: readonly string[] }): Promise<EvidenceFolder> {
  const names = await readdir(dir).then((entries) => entries.filter((name) => name.endsWith('.json') && !(options.skip ?? []).includes(name)).sort(), () => [] as string[]);
  const folder: EvidenceFolder = { records: [], unreadable: [] };
  for (const file of names) {
    const absolute = join(dir, file);
    try {
      const record = await readEvidenceFile(absolute, { shown: `${options.shown}/${file}`, ...(options.results ? { results: options.results } : {}) });
      folder.records.push({ ...record, file, absolute });
    } catch (error) {
      folder.unreadable.push({ file, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return folder;
}

/** The evidence attached to a registry version, pulled (digests verified) into `dest` and read. */
export async function readRegistryEvidence(registry: { pullEvidence(name: string, version: string, dest: string): Promise<unknown> }, name: string, version: string, dest: string, results?: ResultSchemas): Promise<EvidenceFolder> {
  await registry.pullEvidence(name, version, dest);
  return readEvidenceFolder(dest, { shown: `${name}@${version}`, ...(results ? { results } : {}) });
}
