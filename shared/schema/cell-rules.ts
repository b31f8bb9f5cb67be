import { compileByteDfa, dfaMatch, type ByteDfa } from './byte-regex.js';
import type { Constraint, FieldSpec } from './load.js';

// What a CSV cell's bytes can settle without a string: numeric bounds as comparisons, and
// patterns (with lengths) as a DFA. Cells these cannot pass take the full checks.

/** Bounds of a field whose constraints are all numeric bounds; a value inside them passes all. */
export interface NumericRange {
  min: number;
  max: number;
  above: number;
  below: number;
}

export function rangeOf(list: Constraint[]): NumericRange | undefined {
  if (list.length === 0) return undefined;
  const range = { min: -Infinity, max: Infinity, above: -Infinity, below: Infinity };
  for (const constraint of list) {
    const bound = constraint.bound;
    if (bound === undefined) return undefined;
    if (constraint.name === 'minimum') range.min = Math.max(range.min, bound);
    else if (constraint.name === 'maximum') range.max = Math.min(range.max, bound);
    else if (constraint.name === 'exclusiveMinimum') range.above = Math.max(range.above, bound);
    else if (constraint.name === 'exclusiveMaximum') range.below = Math.min(range.below, bound);
    else return undefined;
  }
  return range;
}

/**
 * A plain string field whose constraints are a pattern and lengths: ASCII cells are checked on
 * their bytes. Cells it cannot pass (a mismatch, a non-ASCII byte) take the usual path.
 */
export interface BytePattern {
  dfa: ByteDfa;
  minLength: number;
  maxLength: number;
}

export function bytePattern(field: FieldSpec, onlyEmptyMissing: boolean, list: Constraint[]): BytePattern | undefined {
  if (field.type !== 'string' || field.format !== 'default' || !onlyEmptyMissing) return undefined;
  let dfa: ByteDfa | undefined;
  let minLength = 0;
  let maxLength = Infinity;
  for (const constraint of list) {
    if (constraint.name === 'pattern' && constraint.regex && dfa === undefined) dfa = compileByteDfa(patternBody(constraint.regex), constraint.regex);
    else if (constraint.name === 'minLength') minLength = constraint.bound!;
    else if (constraint.name === 'maxLength') maxLength = constraint.bound!;
    else return undefined;
    if (constraint.name === 'pattern' && dfa === undefined) return undefined;
  }
  return dfa ? { dfa, minLength, maxLength } : undefined;
}

/** The user's pattern inside compilePattern's `^(?:...)$`. */
function patternBody(regex: RegExp): string {
  return regex.source.slice(4, -2);
}

/** True when an ASCII cell matches (lengths are byte counts, which equal code points in ASCII). */
export function passesBytes(pattern: BytePattern, buf: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  return length >= pattern.minLength && length <= pattern.maxLength && dfaMatch(pattern.dfa, buf, start, end) === 1;
}
