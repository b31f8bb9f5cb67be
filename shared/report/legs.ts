/**
 * Matrix legs that share a report key share one comment: each leg owns a section between its
 * own pair of hidden markers and replaces only that, keeping the other legs' sections as written.
 */
const SECTION = /<!-- modelci-leg ([^>]*?) -->\n([\s\S]*?)\n<!-- \/modelci-leg \1 -->/g;

export function cleanLeg(leg: string): string {
  return leg.replace(/[<>]|--/g, '_').replace(/\s+/g, ' ').trim().slice(0, 100);
}

/** The legs' sections in a comment body (after its marker line), by leg name. */
export function legSections(body: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const match of body.matchAll(SECTION)) sections.set(match[1]!, match[2]!);
  return sections;
}

/** The comment body with this leg's section replaced (or added); legs in name order. */
export function withLeg(existing: string | undefined, leg: string, content: string): string {
  const sections = legSections(existing ?? '');
  sections.set(cleanLeg(leg), content);
  return [...sections.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, text]) => `<!-- modelci-leg ${name} -->\n${text}\n<!-- /modelci-leg ${name} -->`)
    .join('\n\n');
}
