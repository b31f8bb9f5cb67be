import type { Cell } from '../data/index.js';

/** What a caster answers: the value in a comparable form (see casters.ts), or INVALID for a type error. */
export const INVALID = Symbol('invalid');
export type Value = string | number | boolean | string[] | number[] | boolean[] | (string | number | boolean)[];
export type Caster = (cell: Exclude<Cell, null>) => Value | typeof INVALID;
