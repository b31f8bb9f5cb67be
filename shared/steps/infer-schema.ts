import { resolve } from 'node:path';
import { z } from 'zod';
import { messagePath } from '../files/paths.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { inferSchemaSection } from '../report/sections/infer-schema.js';
import { inferSchema, schemaYaml, type InferredField } from '../schema/infer.js';
import { inferSchemaResult } from '../schema/result-schema.js';
import { defineStep } from '../runner/types.js';

const inputs = z.object({
  data: z.string().min(1).describe('Data file to read: CSV/TSV (optionally .gz), JSON Lines or Parquet.'),
  output: z.string().min(1).default('schema.yaml').describe('Where to write the Table Schema YAML (relative to the working directory).'),
  dataFormat: z.enum(['csv', 'jsonl', 'parquet']).optional().describe('Format of the data file; detected from the extension when absent.'),
  delimiter: z.string().optional().describe('CSV field delimiter (default `,`, or tab for .tsv); `\\t` means tab.'),
});

// A type alias (not an interface) so it fits StepResult's Record<string, unknown> data.
export type InferSchemaData = {
  data: string;
  output: string;
  rowCount: number;
  fields: InferredField[];
};

export const inferSchemaStep = defineStep({
  name: 'infer-schema',
  description: 'Reads a data file and writes a Frictionless Table Schema (YAML) with types, required fields and enums, ready to review and commit.',
  inputs,
  result: inferSchemaResult,
  outputs: { schema: 'Path of the schema written.' },
  async run(input, ctx) {
    const show = (path: string) => messagePath(ctx.cwd, path);
    const dataPath = resolve(ctx.cwd, input.data);
    const outputPath = resolve(ctx.cwd, input.output);
    const inferred = await inferSchema(dataPath, {
      ...(input.dataFormat ? { format: input.dataFormat } : {}),
      ...(input.delimiter !== undefined ? { delimiter: input.delimiter } : {}),
    }).catch((error: unknown) => {
      if (error && typeof error === 'object' && 'location' in error) {
        const location = (error as { location?: { file: string } }).location;
        if (location?.file === dataPath) location.file = show(dataPath);
      }
      throw error;
    });
    // Temp file then rename: a failed run never leaves a half-written schema behind.
    await writeFileAtomic(outputPath, schemaYaml(inferred, show(dataPath)));
    const data: InferSchemaData = { data: show(dataPath), output: show(outputPath), rowCount: inferred.rowCount, fields: inferred.fields };
    return {
      status: 'passed',
      summary: `${show(outputPath)}: ${inferred.fields.length} fields from ${inferred.rowCount} rows of ${show(dataPath)}`,
      data,
      outputs: { schema: show(outputPath) },
      markdown: renderMarkdown(inferSchemaSection(data)),
      files: { inputs: [dataPath], outputs: [outputPath] },
    };
  },
});
