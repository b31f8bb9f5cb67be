import { readHeader, streamColumns } from '../data/index.js';
import { usageError } from '../errors.js';
import { ClassIndex, parseBinaryLabel, parseNumber, sortClasses, type CellValue } from './columns.js';
import { binaryEvaluator, multiclassEvaluator, regressionEvaluator, type Evaluator } from './evaluator.js';
import { rowsDigest } from './rows-digest.js';
import type { Task } from './types.js';

/** Which columns of a predictions file hold what, as evaluate's inputs name them. */
export interface PredictionSpec {
  task: Task;
  label: string;
  score?: string | undefined;
  prediction?: string | undefined;
  probaPrefix?: string | undefined;
  probaColumns: string[];
  posLabel?: string | undefined;
  weight?: string | undefined;
  id?: string | undefined;
  slice: string[];
}

/** How a binary model's scores become hard predictions and calibration bins. */
export interface ScoringOptions {
  threshold: number;
  bins: number;
}

/** The per-row columns of a predictions file, parsed for one task; rows in file order. */
export interface Columns {
  y: Uint8Array | Int32Array | Float64Array;
  score?: Float64Array;
  pred?: Uint8Array | Int32Array | Float64Array;
  proba?: Float64Array;
  weight?: Float64Array;
  slices: Record<string, string[]>;
  classes?: string[];
  rows: number;
  /** Digest of the (id, label) pairs when an id column is given; see rows-digest.ts. */
  rowsDigest?: string;
  /** The id of each row, in file order, when an id column is given. */
  ids?: string[];
}

/** The probability columns of a multiclass problem: class name -> column. */
async function probabilityColumns(path: string, options: PredictionSpec): Promise<{ classes: string[]; columns: string[] } | null> {
  const pairs: [string, string][] = [];
  if (options.probaPrefix) {
    const header = await readHeader(path);
    for (const name of header) if (name.startsWith(options.probaPrefix) && name.length > options.probaPrefix.length) pairs.push([name.slice(options.probaPrefix.length), name]);
    if (pairs.length === 0) {
      throw usageError(`no column of ${path} starts with --proba-prefix '${options.probaPrefix}'`, { code: 'evaluate-no-proba-columns', location: { file: path, line: 1 }, hint: `Columns: ${header.join(', ')}.` });
    }
  }
  for (const spec of options.probaColumns.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const at = spec.indexOf('=');
    pairs.push(at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, spec]);
  }
  if (pairs.length === 0) return null;
  if (pairs.length < 2) throw usageError('multiclass needs at least two class probability columns', { code: 'evaluate-no-proba-columns', hint: 'Use --proba-prefix p_ for columns p_0, p_1, ... or list them with --proba-columns.' });
  const classes = sortClasses(pairs.map(([name]) => name));
  if (classes.length !== pairs.length) throw usageError('two probability columns name the same class', { code: 'evaluate-duplicate-class', hint: pairs.map(([c, col]) => `${c}=${col}`).join(', ') });
  const byClass = new Map(pairs);
  return { classes, columns: classes.map((c) => byClass.get(c)!) };
}

/** Reads and checks a predictions file: each bad cell is a usage error naming the file, row and column. */
export async function readPredictions(path: string, display: string, options: PredictionSpec, signal?: AbortSignal): Promise<Columns> {
  const task = options.task;
  if (task === 'binary' && !options.score) throw usageError('binary evaluation needs --score (the probability of the positive class)', { code: 'evaluate-missing-input', hint: 'For example --score score.' });
  if (task === 'regression' && !options.prediction) throw usageError('regression needs --prediction (the predicted value)', { code: 'evaluate-missing-input', hint: 'For example --prediction prediction.' });
  const proba = task === 'multiclass' ? await probabilityColumns(path, options) : null;
  if (task === 'multiclass' && !proba && !options.prediction) {
    throw usageError('multiclass needs class probabilities or --prediction', { code: 'evaluate-missing-input', hint: 'Use --proba-prefix p_ (columns p_0, p_1, ...), --proba-columns, or --prediction.' });
  }
  const wanted = [options.label, options.score, options.prediction, options.weight, options.id, ...(proba?.columns ?? []), ...options.slice].filter((c): c is string => Boolean(c));
  const columns = [...new Set(wanted)];

  const y: number[] = [];
  const score: number[] = [];
  const pred: (number | string)[] = [];
  const weight: number[] = [];
  const probaValues: number[] = [];
  const slices: Record<string, string[]> = Object.fromEntries(options.slice.map((c) => [c, [] as string[]]));
  const labelsSeen: string[] = [];
  const ids = options.id ? new Map<string, number>() : null;
  const labelsById = new Map<string, string>();
  const classIndex = proba ? new ClassIndex(proba.classes) : null;
  for await (const batch of streamColumns(path, columns)) {
    if (signal?.aborted) break;
    const count = batch.columns[options.label]!.length;
    for (let r = 0; r < count; r++) {
      const row = batch.firstRowNumber + r;
      const cell = (column: string): CellValue => batch.columns[column]![r] as CellValue;
      const place = (column: string) => ({ file: display, column, row });
      const label = cell(options.label);
      if (task === 'binary') y.push(parseBinaryLabel(label, place(options.label), options.posLabel));
      else if (task === 'regression') y.push(parseNumber(label, place(options.label), 'numeric labels'));
      else if (classIndex) y.push(classIndex.get(label, place(options.label)));
      else {
        if (label === null) parseNumber(null, place(options.label), 'a class');
        labelsSeen.push(String(label).trim());
      }
      if (options.score) score.push(parseNumber(cell(options.score), place(options.score), 'numeric scores'));
      if (options.prediction) {
        const p = cell(options.prediction);
        if (task === 'regression') pred.push(parseNumber(p, place(options.prediction), 'numeric predictions'));
        else if (task === 'binary') pred.push(parseBinaryLabel(p, place(options.prediction), options.posLabel));
        else if (classIndex) pred.push(classIndex.get(p, place(options.prediction)));
        else {
          if (p === null) parseNumber(null, place(options.prediction), 'a predicted class');
          pred.push(String(p).trim());
        }
      }
      if (options.weight) {
        const w = parseNumber(cell(options.weight), place(options.weight), 'non-negative weights');
        if (w < 0) throw usageError(`row ${row}, column '${options.weight}': weight ${w} is negative`, { code: 'constraint-error', location: { file: display, line: row }, hint: 'Sample weights must be >= 0.' });
        weight.push(w);
      }
      if (proba) for (const column of proba.columns) probaValues.push(parseNumber(cell(column), place(column), 'class probabilities'));
      if (ids && options.id) {
        const key = String(cell(options.id));
        const before = ids.get(key);
        if (before !== undefined) throw usageError(`row ${row}, column '${options.id}': id '${key}' repeats row ${before}`, { code: 'unique-error', location: { file: display, line: row }, hint: 'Row ids must be unique so compare can pair rows.' });
        ids.set(key, row);
        // The parsed label, so `1`, `1.0` and `true` written by two models' files still pair.
        labelsById.set(key, classIndex ? proba!.classes[y[y.length - 1]!]! : task === 'multiclass' ? labelsSeen[labelsSeen.length - 1]! : String(y[y.length - 1]));
      }
      for (const column of options.slice) {
        const v = cell(column);
        slices[column]!.push(v === null ? '(missing)' : String(v));
      }
    }
  }
  const rows = y.length + labelsSeen.length;
  if (rows === 0) throw usageError(`${display} has no rows to evaluate`, { code: 'data-empty', location: { file: display }, hint: 'Write one row per prediction under the header.' });

  const out: Columns = { y: Float64Array.from(y), slices, rows, ...(ids ? { rowsDigest: rowsDigest(labelsById), ids: [...ids.keys()] } : {}) };
  if (options.weight) out.weight = Float64Array.from(weight);
  if (task === 'binary') {
    out.y = Uint8Array.from(y);
    out.score = Float64Array.from(score);
    if (options.prediction) out.pred = Uint8Array.from(pred as number[]);
  } else if (task === 'regression') {
    out.pred = Float64Array.from(pred as number[]);
  } else if (classIndex && proba) {
    out.y = Int32Array.from(y);
    out.proba = Float64Array.from(probaValues);
    out.classes = proba.classes;
    if (options.prediction) out.pred = Int32Array.from(pred as number[]);
  } else {
    const classes = sortClasses([...labelsSeen, ...(pred as string[])]);
    const index = new ClassIndex(classes);
    out.classes = classes;
    out.y = Int32Array.from(labelsSeen, (l) => index.find(l)!);
    out.pred = Int32Array.from(pred as string[], (p) => index.find(p)!);
  }
  return out;
}

export function gather<T extends Uint8Array | Int32Array | Float64Array>(array: T, rows: number[], stride = 1): T {
  const out = new (array.constructor as new (n: number) => T)(rows.length * stride);
  for (let i = 0; i < rows.length; i++) for (let s = 0; s < stride; s++) out[i * stride + s] = array[rows[i]! * stride + s]!;
  return out;
}

/** The evaluator of parsed columns, or of the given rows of them (a slice). */
export function makeEvaluator(task: Task, c: Columns, options: ScoringOptions, only: ReadonlySet<string> | undefined, rows?: number[]): Evaluator {
  const pick = <T extends Uint8Array | Int32Array | Float64Array>(a: T | undefined, stride = 1): T | undefined => (a && rows ? gather(a, rows, stride) : a);
  const weight = pick(c.weight) ?? null;
  if (task === 'binary') return binaryEvaluator({ y: pick(c.y as Uint8Array)!, score: pick(c.score)!, pred: pick(c.pred as Uint8Array | undefined), weight, threshold: options.threshold, bins: options.bins }, only ? { only } : {});
  if (task === 'regression') return regressionEvaluator({ y: pick(c.y as Float64Array)!, pred: pick(c.pred as Float64Array)!, weight });
  const k = c.classes!.length;
  return multiclassEvaluator({ y: pick(c.y as Int32Array)!, k, proba: pick(c.proba, k) ?? null, pred: pick(c.pred as Int32Array | undefined) ?? null, weight, classes: c.classes! });
}
