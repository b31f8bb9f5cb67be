import { INVALID, type Caster, type FieldType, type Value } from './casters.js';

/** A constraint as load.ts builds it (its Constraint has this shape and more). */
export interface ItemConstraint {
  name: string;
  note: string;
  test: (value: Value) => boolean;
}

/** What arrayItem needs of the item field load.ts builds (here, so the two files need not import each other). */
export interface ItemField {
  type: FieldType;
  cast: Caster;
  missingValues: Set<string>;
  required: boolean;
  constraints: ItemConstraint[];
}

/**
 * `arrayItem` as frictionless-py checks it: once the array itself passes its own constraints,
 * each item is read by the item field (its missing values, type and constraints); an item of
 * the wrong type makes the cell a type error, an item breaking a constraint a constraint error
 * (one per constraint, whatever the number of items breaking it). Their names start with
 * `arrayItem.` so nothing takes them for the array's own `required` or bounds.
 */
export interface ArrayItemRules {
  /** False when an item is not of the item type (checked only when the array's own constraints pass). */
  typesPass: (items: unknown[]) => boolean;
  /** The item constraints, as constraints on the array. */
  constraints: ItemConstraint[];
}

const STRUCTURED = new Set(['object', 'array', 'geojson']);

export function arrayItemRules(item: ItemField, own: ItemConstraint[]): ArrayItemRules {
  const ownRules = own.filter((constraint) => constraint.name !== 'required');
  const ownPass = (value: Value) => ownRules.every((constraint) => constraint.test(value));
  const isNull = (cell: unknown) => cell === null || ((typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean') && item.missingValues.has(pythonStr(cell)));
  const castItem = (cell: unknown): Value | typeof INVALID => {
    if (typeof cell === 'string' || typeof cell === 'number' || typeof cell === 'boolean') return item.cast(cell);
    if (item.type === 'any') return JSON.stringify(cell);
    return STRUCTURED.has(item.type) ? item.cast(JSON.stringify(cell)) : INVALID;
  };
  const constraints: ItemConstraint[] = [];
  if (item.required) {
    constraints.push({ name: 'arrayItem.required', note: 'array item constraint "required" is "true"', test: (value) => !ownPass(value) || !(value as unknown[]).some(isNull) });
  }
  for (const constraint of item.constraints) {
    if (constraint.name === 'required') continue;
    constraints.push({
      name: `arrayItem.${constraint.name}`,
      note: `array item ${constraint.note}`,
      test: (value) => {
        if (!ownPass(value)) return true;
        for (const cell of value as unknown[]) {
          if (isNull(cell)) continue;
          const itemValue = castItem(cell);
          if (itemValue !== INVALID && !constraint.test(itemValue)) return false;
        }
        return true;
      },
    });
  }
  return {
    typesPass: (items) => {
      if (!ownPass(items as Value)) return true;
      return items.every((cell) => isNull(cell) || castItem(cell) !== INVALID);
    },
    constraints,
  };
}

/** Python's str() of a JSON scalar, which frictionless-py compares with the missing values. */
function pythonStr(cell: string | number | boolean): string {
  if (typeof cell === 'boolean') return cell ? 'True' : 'False';
  return String(cell);
}
