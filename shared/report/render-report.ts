import { paragraph, raw, type Block } from './blocks.js';
import type { ReportDocument, ReportSection } from './document.js';
import { renderMarkdown } from './render-markdown.js';

export interface RenderedReport {
  markdown: string;
  /** What was left out to fit, in words; empty when nothing was. */
  cuts: string[];
}

/** Collapsible extras (slice tables, histograms) and charts go before any table. */
const isExtra = (block: Block) => block.kind === 'details' || block.kind === 'chart';

function sectionBlocks(section: ReportSection, withExtras: boolean): Block[] {
  const blocks = withExtras ? section.blocks : section.blocks.filter((block) => !isExtra(block));
  if (section.open || blocks.length === 0) return [section.heading, ...blocks];
  return [section.heading, { kind: 'details', summary: [section.summary], blocks }];
}

function assemble(doc: ReportDocument, sections: { section: ReportSection; kept: boolean }[], withExtras: boolean, note: string | undefined): string {
  const blocks: Block[] = [...doc.headline];
  for (const { section, kept } of sections) {
    if (kept) blocks.push(...sectionBlocks(section, withExtras));
    else blocks.push(section.heading, paragraph(raw('Left out to fit the comment; see the full report.')));
  }
  if (note) blocks.push(paragraph(raw(note)));
  return renderMarkdown(blocks);
}

/**
 * The report as markdown of at most `limit` characters. Over the limit it sheds whole blocks,
 * never cutting inside one (so no fence or `<details>` is left open): first the collapsible
 * extras and charts, then whole sections, least valuable first; the verdict always stays.
 */
export function renderReport(doc: ReportDocument, limit: number, whereFull: string): RenderedReport {
  const all = doc.sections.map((section) => ({ section, kept: true }));
  const full = assemble(doc, all, true, undefined);
  if (full.length <= limit) return { markdown: full, cuts: [] };
  const note = `Cut to fit the ${limit.toLocaleString('en-US')}-character limit; ${whereFull} has everything.`;
  const lean = assemble(doc, all, false, note);
  const cuts = ['slice tables, histograms and charts'];
  if (lean.length <= limit) return { markdown: lean, cuts };
  const byValue = [...all].sort((a, b) => a.section.rank - b.section.rank);
  for (const entry of byValue) {
    entry.kept = false;
    cuts.push(`the ${entry.section.step} section`);
    const shorter = assemble(doc, all, false, note);
    if (shorter.length <= limit) return { markdown: shorter, cuts };
  }
  const headline = renderMarkdown([...doc.headline, paragraph(raw(note))]);
  return { markdown: headline.length <= limit ? headline : renderMarkdown([doc.headline[0]!, doc.headline[1]!, paragraph(raw(note))]), cuts: [...cuts, 'the step table'] };
}
