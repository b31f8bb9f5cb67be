import { usageError } from '../errors.js';
import { openResourceTable } from '../data/resource-table.js';
import type { SourceOptions } from '../data/prepare.js';
import type { TableSchema } from './load.js';
import { checkReference, collectReferenceKeys, parseForeignKeys, type ForeignKeyCheck } from './foreign-keys.js';
import type { ReferenceSet } from './reference-set.js';
import { validateOpenTable, type ValidateOptions, type ValidationReport } from './validate.js';

/** A table to validate: one file or the parts of a multi-file resource, with its schema and how to read it. */
export interface TableResource {
  /** '' for a file validated on its own. */
  name: string;
  paths: string[];
  schema: TableSchema;
  read: SourceOptions;
}

export interface ResourceReport extends ValidationReport {
  /** The text encoding read (absent for Parquet). */
  encoding?: string;
}

/**
 * Validates one table with its foreign keys: each reference's keys are read first (from the
 * table itself for a self-reference, as frictionless-py does, or from the named resource of
 * `others`), then the rows are checked. A reference to a resource or field that does not exist is
 * refused before any row is read.
 */
export async function validateResource(resource: TableResource, others: readonly TableResource[], options: ValidateOptions = {}): Promise<ResourceReport> {
  const keys = parseForeignKeys(resource.schema);
  const targets = keys.map((key) => {
    if (key.resource === '' || key.resource === resource.name) return resource;
    const target = others.find((other) => other.name === key.resource);
    if (!target) {
      const known = others.map((other) => other.name).filter((name) => name !== '');
      throw usageError(
        known.length === 0
          ? `a foreign key refers to resource '${key.resource}', and a single file has no other resources`
          : `a foreign key refers to resource '${key.resource}', which the data package does not have`,
        { code: 'schema-invalid', location: key.location, hint: known.length === 0 ? 'Validate a data package (--package datapackage.json) that holds both tables, or use resource "" for a key into this table.' : `Resources: ${known.join(', ')}.` },
      );
    }
    return target;
  });
  keys.forEach((key, i) => checkReference(key, targets[i]!.schema, targets[i]!.name));
  const sets = new Map<string, ReferenceSet>();
  const checks: ForeignKeyCheck[] = [];
  try {
    for (const [i, key] of keys.entries()) {
      const target = targets[i]!;
      const id = `${target.name}\u0000${key.referenceFields.join('\u0000')}`;
      let set = sets.get(id);
      if (!set) {
        const table = await openResourceTable(target.paths, { ...target.read, ...readOnly(options) }, headerless(target));
        try {
          set = await collectReferenceKeys(table, target.schema, key.referenceFields, options.keyBudget, options.signal);
        } finally {
          await table.close();
        }
        sets.set(id, set);
      }
      checks.push({ key, set });
    }
    const table = await openResourceTable(resource.paths, { ...resource.read, ...readOnly(options), deferParsing: options.threads !== 1 }, headerless(resource));
    try {
      const report = await validateOpenTable(table, resource.schema, { ...options, foreignKeys: checks });
      return { ...report, ...(table.encoding ? { encoding: table.encoding } : {}) };
    } finally {
      await table.close();
    }
  } finally {
    for (const set of sets.values()) set.dispose();
  }
}

/** A table without a header row takes its column names from its schema, as frictionless-py does. */
function headerless(resource: TableResource): string[] | undefined {
  return resource.read.dialect?.header === false ? resource.schema.fields.map((field) => field.name) : undefined;
}

function readOnly(options: ValidateOptions): SourceOptions {
  return {
    ...(options.maxFieldSize !== undefined ? { maxFieldSize: options.maxFieldSize } : {}),
  };
}
