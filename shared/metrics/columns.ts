import { usageError } from '../errors.js';

/** A table cell as the data readers return it. */
export type CellValue = string | number | boolean | null;

export interface CellPlace {
  file: string;
  column: string;
  /** Frictionless row number: the header is row 1. */
  row: number;
}

function show(cell: CellValue): string {
  const text = String(cell);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function missing(place: CellPlace, hint: string) {
  return usageError(`row ${place.row}, column '${place.column}': the value is missing`, {
    code: 'missing-cell',
    location: { file: place.file, line: place.row },
    hint,
  });
}

/** A finite number from a number cell or a numeric string; usage errors name file, row and column. */
export function parseNumber(cell: CellValue, place: CellPlace, what: string): number {
  if (typeof cell === 'number') {
    if (Number.isFinite(cell)) return cell;
  } else if (typeof cell === 'string') {
    const text = cell.trim();
    if (text !== '') {
      const value = Number(text);
      if (Number.isFinite(value)) return value;
    }
  } else if (cell === null) {
    throw missing(place, `Every row needs ${what}; drop or fill rows with missing values.`);
  } else if (typeof cell === 'boolean') {
    return cell ? 1 : 0;
  }
  throw usageError(`row ${place.row}, column '${place.column}': '${show(cell)}' is not a number`, {
    code: 'type-error',
    location: { file: place.file, line: place.row },
    hint: `Column '${place.column}' must hold ${what}.`,
  });
}

const TRUE = new Set(['1', 'true', 'yes', 't', 'y']);
const FALSE = new Set(['0', 'false', 'no', 'f', 'n']);

/**
 * A binary label as 0/1. With `positive`, a cell is positive when its text equals it (numbers
 * compare numerically: '1.0' equals '1'); without, 0/1, true/false and yes/no are understood.
 */
export function parseBinaryLabel(cell: CellValue, place: CellPlace, positive?: string): 0 | 1 {
  if (cell === null) throw missing(place, 'Every row needs a label; drop rows without one.');
  if (positive !== undefined) {
    const text = String(cell).trim();
    if (text === positive) return 1;
    const a = Number(text);
    const b = Number(positive);
    return text !== '' && positive.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && a === b ? 1 : 0;
  }
  if (typeof cell === 'boolean') return cell ? 1 : 0;
  if (typeof cell === 'number') {
    if (cell === 1) return 1;
    if (cell === 0) return 0;
  } else {
    const text = cell.trim().toLowerCase();
    if (TRUE.has(text) || text === '1.0') return 1;
    if (FALSE.has(text) || text === '0.0') return 0;
  }
  throw usageError(`row ${place.row}, column '${place.column}': label '${show(cell)}' is not 0/1, true/false or yes/no`, {
    code: 'type-error',
    location: { file: place.file, line: place.row },
    hint: 'Pass --pos-label with the value of the positive class (every other value is negative).',
  });
}

/** Class names sorted as scikit-learn's LabelEncoder would: numerically when all are numbers. */
export function sortClasses(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  const numeric = list.every((n) => n.trim() !== '' && Number.isFinite(Number(n)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

/** Maps cell text to a class index; numeric text matches numerically ('1.0' is class '1'). */
export class ClassIndex {
  private readonly exact = new Map<string, number>();
  private readonly numeric = new Map<number, number>();

  constructor(readonly classes: string[]) {
    classes.forEach((name, index) => {
      this.exact.set(name, index);
      const value = Number(name);
      if (name.trim() !== '' && Number.isFinite(value) && !this.numeric.has(value)) this.numeric.set(value, index);
    });
  }

  find(cell: CellValue): number | undefined {
    if (cell === null) return undefined;
    const text = String(cell).trim();
    const hit = this.exact.get(text);
    if (hit !== undefined) return hit;
    const value = Number(text);
    return text !== '' && Number.isFinite(value) ? this.numeric.get(value) : undefined;
  }

  get(cell: CellValue, place: CellPlace): number {
    if (cell === null) throw missing(place, 'Every row needs a class; drop rows without one.');
    const index = this.find(cell);
    if (index === undefined) {
      throw usageError(`row ${place.row}, column '${place.column}': class '${show(cell)}' is not one of the classes (${this.classes.slice(0, 12).join(', ')}${this.classes.length > 12 ? ', …' : ''})`, {
        code: 'constraint-error',
        location: { file: place.file, line: place.row },
        hint: 'Every class needs a probability column; check --proba-prefix / --proba-columns.',
      });
    }
    return index;
  }
}
