import { expect } from 'vitest';

export interface Outcome {
  refused: string | null;
  valid: boolean;
  errors: [string, number | null, string][];
  /** What modelci logged besides the JSON document (warnings go to stderr). */
  warnings?: string;
}

interface Divergence {
  /** Why modelci differs (docs/validate-data.md, "Where we deliberately differ", says the same). */
  reason: string;
  /** modelci's side says so clearly: a warning, or the error that frictionless-py does not report. */
  check: (ours: Outcome, frictionless: Outcome) => void;
}

/** Where modelci deliberately differs from frictionless-py 5.21.0 in the parity cases. */
export const DIVERGENCES: Record<string, Divergence> = {
  'schema: exclusiveMinimum needs v2': {
    reason: 'exclusiveMinimum/exclusiveMaximum are checked without a v2 $schema (frictionless-py refuses the schema); modelci warns that frictionless would refuse it',
    check: (ours, frictionless) => {
      expect(frictionless.refused).toMatch(/exclusiveMinimum" requires datapackage v2/);
      expect(ours).toMatchObject({ refused: null, valid: true });
      expect(ours.warnings).toMatch(/warning: schema\.json:\d+:\d+: field 'id': exclusiveMinimum is Table Schema v2; frictionless-py refuses it without `\$schema: https:\/\/datapackage\.org\/profiles\/2\.0\/tableschema\.json`/);
    },
  },
  'geojson: GeoJSON schema': {
    reason: 'geojson values are checked for shape (a JSON object with a string type), not against the JSON Schema frictionless-py bundles (which, for one, refuses a Point with three coordinates); modelci says so in a warning',
    check: (ours, frictionless) => {
      expect(frictionless.errors.map((error) => error[1])).toEqual([3, 4, 5, 6, 7, 8]);
      expect(ours.errors.map((error) => error[1])).toEqual([5, 6, 7]);
      expect(ours.warnings).toMatch(/warning: schema\.json:\d+:\d+: field 'v': geojson values are checked as JSON objects with a string `type`; frictionless-py also validates them against the GeoJSON JSON Schema, which modelci does not/);
    },
  },
  'divergence: pattern alternation is anchored as a whole': {
    reason: "a pattern must match the whole value: modelci compiles ^(?:a|b)$, frictionless-py ^a|b$, which lets 'abbb' pass",
    check: (ours, frictionless) => {
      expect(frictionless).toMatchObject({ valid: true, errors: [] });
      expect(ours.errors).toEqual([['constraint-error', 3, 'v']]);
    },
  },
  'divergence: categories are enforced (v2)': {
    reason: 'Table Schema v2 categories are enforced; frictionless-py 5.21 does not check them',
    check: (ours, frictionless) => {
      expect(frictionless).toMatchObject({ valid: true, errors: [] });
      expect(ours.errors).toEqual([['constraint-error', 3, 'v']]);
    },
  },
  'divergence: uniqueKeys are checked (v2)': {
    reason: "Table Schema v2 uniqueKeys are checked (SQL's rule: a key with a null never collides); frictionless-py 5.21 does not check them",
    check: (ours, frictionless) => {
      expect(frictionless).toMatchObject({ valid: true, errors: [] });
      expect(ours.errors).toEqual([['unique-error', 3, 'a, b']]);
    },
  },
};
