import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { evidencePath } from '../evidence/evidence.js';
import { sha256File } from '../files/digest.js';
import { evaluateResult, type EvaluateData } from '../metrics/evaluation.js';
import type { PredictionSpec, ScoringOptions } from '../metrics/prediction-file.js';
import { parseEvidence } from '../evidence/read.js';
import type { Evidence } from '../evidence/record.js';
import { YamlSource } from '../text/yaml-source.js';

/** What it takes to score evaluate's stored predictions again, row by row. */
export interface Scoring {
  /** Absolute path of the per-row predictions evaluate stored. */
  file: string;
  /** The columns, as evaluate read them. */
  spec: PredictionSpec;
  options: ScoringOptions;
}

export type SideKind = 'evaluate-evidence' | 'metrics-json' | 'dvc-diff' | 'registry';

/** One model's side of a comparison: its metric values and what says they are about the same rows. */
export interface Side {
  kind: SideKind;
  /** A path relative to the working directory, or a registry URI. */
  source: string;
  /** Metric values; null when undefined on the data (one class only, NaN, ...). */
  metrics: Map<string, number | null>;
  /** The evaluate verdict, when the side is evaluate evidence. */
  evaluateStatus?: string;
  /** Digest of the (id, label) pairs evaluate scored; absent without an id column or evidence. */
  rowsDigest?: string;
  /** How evaluate scored its per-row predictions, when the side is evaluate evidence. */
  scoring?: Scoring;
  /** For a file, its sha256; for a registry version, its content digest. */
  digest: string;
  name?: string;
  version?: string;
}

const MAX_SIDE_BYTES = 64 << 20;

function finiteOrNull(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*[-+]?(nan|inf(inity)?)\s*$/i.test(value)) return null;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nested objects become dotted names, as DVC and MLflow write them. */
function flatten(prefix: string, value: unknown, into: Map<string, number | null>): void {
  const number = finiteOrNull(value);
  if (number !== undefined) {
    if (prefix) into.set(prefix, number);
    return;
  }
  if (isObject(value)) for (const [key, inner] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, inner, into);
}

function isDvcDiff(doc: Record<string, unknown>): boolean {
  const files = Object.values(doc);
  return files.length > 0 && files.every((file) => isObject(file) && Object.values(file).length > 0 && Object.values(file).every((entry) => isObject(entry) && ('old' in entry || 'new' in entry)));
}

/** `dvc metrics diff --json`: the challenger is `new`, the champion `old`; names are prefixed by their file when there are several. */
function dvcSide(doc: Record<string, Record<string, Record<string, unknown>>>, role: 'challenger' | 'champion'): Map<string, number | null> {
  const metrics = new Map<string, number | null>();
  const files = Object.keys(doc);
  for (const [file, entries] of Object.entries(doc)) {
    for (const [name, entry] of Object.entries(entries)) {
      const value = finiteOrNull(entry[role === 'challenger' ? 'new' : 'old']);
      metrics.set(files.length > 1 ? `${file}:${name}` : name, value ?? null);
    }
  }
  return metrics;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function scoringOf(result: EvaluateData, parameters: Record<string, unknown>, baseDir: string): Scoring {
  const { columns } = result.predictions;
  const spec: PredictionSpec = {
    task: result.task,
    label: columns.label,
    score: columns.score,
    prediction: columns.prediction,
    weight: columns.weight,
    id: columns.id,
    probaPrefix: text(parameters['proba-prefix']),
    probaColumns: Array.isArray(parameters['proba-columns']) ? parameters['proba-columns'].filter((column): column is string => typeof column === 'string') : [],
    posLabel: text(parameters['pos-label']),
    slice: [],
  };
  return {
    file: resolve(baseDir, result.predictions.file),
    spec,
    options: {
      threshold: typeof parameters.threshold === 'number' ? parameters.threshold : 0.5,
      bins: typeof parameters.bins === 'number' ? parameters.bins : 10,
    },
  };
}

function evaluateSide(evidence: Evidence, cwd: string): Pick<Side, 'metrics' | 'evaluateStatus' | 'rowsDigest' | 'scoring'> {
  const result = evidence.result as EvaluateData;
  const metrics = new Map<string, number | null>();
  for (const [name, metric] of Object.entries(result.metrics)) metrics.set(name, finiteOrNull(metric.value) ?? null);
  return {
    metrics,
    evaluateStatus: evidence.status,
    ...(result.predictions.rowsDigest !== undefined ? { rowsDigest: result.predictions.rowsDigest } : {}),
    scoring: scoringOf(result, evidence.parameters, cwd),
  };
}

/** Strict JSON (YAML would read `"x": }` as null); the error names line and column. */
function parseJson(text: string, shown: string, source: YamlSource): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    const location = lineColumn ? { file: shown, line: Number(lineColumn[1]), column: Number(lineColumn[2]) } : position ? source.locate(Number(position[1])) : { file: shown };
    throw usageError(`invalid JSON: ${message.replace(/\s*\(line \d+ column \d+\)|\s*(in JSON )?at position \d+.*$/, '')}`, { code: 'compare-side-invalid', location, hint: 'Metrics and evidence files are JSON objects.' });
  }
}

/** The evaluate evidence inside an out-dir (`<dir>/evidence/evaluate.json`) or an evidence folder (`<dir>/evaluate.json`). */
async function evidenceInDirectory(dir: string, shown: string): Promise<string> {
  for (const candidate of [evidencePath(dir, 'evaluate'), join(dir, 'evaluate.json')]) {
    if (await stat(candidate).then((s) => s.isFile(), () => false)) return candidate;
  }
  throw usageError(`${shown} holds no evaluate evidence (looked for evidence/evaluate.json and evaluate.json)`, { code: 'evidence-missing', location: { file: shown }, hint: 'Run evaluate first, or give the evidence file itself.' });
}

/** Reads one side from an evaluate evidence file, an out-dir or evidence folder, a flat metrics JSON file or `dvc metrics diff --json`. */
export async function readSide(path: string, role: 'challenger' | 'champion', cwd: string): Promise<Side> {
  const shownPath = (absolute: string) => relative(cwd, absolute).split('\\').join('/') || absolute;
  const found = await stat(path).catch(() => undefined);
  if (!found) throw usageError(`the ${role} ${shownPath(path)} does not exist`, { code: 'compare-side-missing', location: { file: shownPath(path) }, hint: role === 'challenger' ? 'Run evaluate first (it writes .modelci/evidence/evaluate.json), or pass --challenger.' : 'Pass --champion registry, a file, or none.' });
  const file = found.isDirectory() ? await evidenceInDirectory(path, shownPath(path)) : path;
  const shown = shownPath(file);
  if ((await stat(file)).size > MAX_SIDE_BYTES) throw usageError(`${shown} is larger than ${MAX_SIDE_BYTES} bytes; metrics and evidence files are small`, { code: 'compare-side-too-large', location: { file: shown } });
  const text = await readFile(file, 'utf8');
  if (text.trim() === '') throw usageError(`${shown} is empty`, { code: 'compare-side-empty', location: { file: shown }, hint: 'Give an evaluate evidence file or a JSON object of metric values.' });
  const source = YamlSource.parse(shown, text);
  const doc = parseJson(text, shown, source);
  if (!isObject(doc)) throw usageError(`${shown} must hold a JSON object, not ${Array.isArray(doc) ? 'a list' : typeof doc}`, { code: 'compare-side-invalid', location: { file: shown, line: 1, column: 1 } });
  const digest = `sha256:${await sha256File(file)}`;
  if ('schemaVersion' in doc && 'step' in doc) {
    const evidence = parseEvidence(text, { shown, step: 'evaluate', results: { evaluate: evaluateResult } });
    return { kind: 'evaluate-evidence', source: shown, digest, ...evaluateSide(evidence, cwd) };
  }
  if (isDvcDiff(doc)) return { kind: 'dvc-diff', source: shown, digest, metrics: dvcSide(doc as Record<string, Record<string, Record<string, unknown>>>, role) };
  const metrics = new Map<string, number | null>();
  flatten('', doc, metrics);
  if (metrics.size === 0) throw usageError(`${shown} holds no metric values (numbers or null)`, { code: 'compare-side-invalid', location: { file: shown, line: 1, column: 1 }, hint: 'Write e.g. {"roc_auc": 0.91, "log_loss": 0.31}.' });
  return { kind: 'metrics-json', source: shown, digest, metrics };
}
