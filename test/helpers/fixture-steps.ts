import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { environmentError, usageError } from '../../shared/errors.js';
import { defineStep } from '../../shared/runner/types.js';

/** A small real step for exercising the front doors: copies a file, upper-cased, and can be told to fail. */
export const copyStep = defineStep({
  name: 'copy',
  description: 'Copies a text file, upper-cased.',
  inputs: z.object({
    source: z.string().describe('File to read.'),
    target: z.string().default('copy.txt').describe('File to write, under the out dir.'),
    times: z.number().int().positive().default(1).describe('How many copies of the text.'),
    shout: z.boolean().default(true).describe('Upper-case the text.'),
    mode: z.enum(['pass', 'fail', 'env-error']).default('pass').describe('What the step should report.'),
    tags: z.array(z.string()).default([]).describe('Tags to record.'),
    token: z.string().optional().describe('A secret to test masking.').meta({ secret: true }),
  }),
  outputs: { 'target-path': 'Where the copy went.' },
  async run(inputs, ctx) {
    if (inputs.mode === 'env-error') throw environmentError('registry unreachable', { code: 'registry-unreachable', hint: 'Is it up?' });
    const source = resolve(ctx.cwd, inputs.source);
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch {
      throw usageError(`cannot read ${inputs.source}`, { code: 'input-unreadable', location: { file: inputs.source } });
    }
    if (inputs.token) ctx.platform.info(`using token ${inputs.token}`);
    const output = join(ctx.outDir, inputs.target);
    await mkdir(ctx.outDir, { recursive: true });
    await writeFile(output, (inputs.shout ? text.toUpperCase() : text).repeat(inputs.times));
    const failed = inputs.mode === 'fail';
    return {
      status: failed ? 'failed' : 'passed',
      summary: failed ? 'told to fail' : `copied ${text.length} characters`,
      data: { characters: text.length, times: inputs.times, tags: inputs.tags },
      outputs: { 'target-path': output },
      markdown: `| characters |\n| --- |\n| ${text.length} |`,
      files: { inputs: [source], outputs: [output] },
    };
  },
});

export const noteStep = defineStep({
  name: 'note',
  description: 'Writes a note.',
  inputs: z.object({ text: z.string().default('hello').describe('The note.') }),
  outputs: {},
  async run(inputs, ctx) {
    await mkdir(ctx.outDir, { recursive: true });
    await writeFile(join(ctx.outDir, 'note.txt'), inputs.text);
    return { status: 'passed', summary: `noted ${inputs.text}`, data: { text: inputs.text }, files: { outputs: [join(ctx.outDir, 'note.txt')] } };
  },
});

export const FIXTURE_STEPS = [copyStep, noteStep];
