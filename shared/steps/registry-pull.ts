import { z } from 'zod';
import { absolute, registryFor, registryInputs, shortDigest } from '../registry/step-access.js';
import { defineStep } from '../runner/types.js';

export const registryPullStep = defineStep({
  name: 'registry pull',
  description: 'Downloads a model version, verifying every file digest; the destination appears only when all files verified.',
  inputs: z.object({
    ...registryInputs,
    version: z.string().min(1).describe('Version number (e.g. `3`) or alias (e.g. `champion`).'),
    dest: z.string().min(1).describe('Directory to create with the model files; must not exist yet (or be empty).'),
  }),
  outputs: {},
  writesEvidence: false,
  published: false,
  async run(inputs, ctx) {
    const registry = registryFor(inputs, ctx);
    const dest = absolute(inputs.dest, ctx);
    const pulled = await registry.pull(inputs.name, inputs.version, dest);
    return {
      status: 'passed',
      summary: `${pulled.name} version ${pulled.version} (${shortDigest(pulled.digest)}): ${pulled.files.length} files verified into ${inputs.dest}`,
      data: { ...pulled },
    };
  },
});
