import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../shared/report/render-markdown.js';
import { sectionOf } from '../../shared/report/sections/index.js';
import { repoRoot } from '../helpers/python.js';

/**
 * Each fixture is a step's evidence and the markdown the step wrote, captured from the code before
 * rendering moved into report sections; the section rendered from the evidence must equal it.
 */
const fixtures = join(repoRoot, 'test/fixtures/report');
const cases = readdirSync(fixtures).flatMap((dir) =>
  readdirSync(join(fixtures, dir))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ name: `${dir}/${file.replace(/\.json$/, '')}`, evidence: join(fixtures, dir, file), markdown: join(fixtures, dir, file.replace(/\.json$/, '.md')) })),
);

describe('report sections render the markdown the steps wrote before the move', () => {
  it.each(cases)('$name', ({ evidence, markdown }) => {
    const record = JSON.parse(readFileSync(evidence, 'utf8'));
    expect(renderMarkdown(sectionOf(record))).toBe(readFileSync(markdown, 'utf8'));
  });
});
