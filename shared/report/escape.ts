/**
 * Escaping of untrusted text (column names, file names, metric names, values, branch names) for
 * each place a report puts it. One module, so every renderer neutralizes the same things.
 */

/** Zero-width space: splits what a renderer would otherwise turn into a mention, reference or link. */
const BREAK = '\u200b';

/**
 * Inline markdown (GFM) of text we wrote ourselves (step and input descriptions in generated docs):
 * markup characters backslash-escaped, `<` and `&` as entities, newlines as spaces, so it renders
 * as written and a table cell stays one cell.
 */
export function escapeMarkdownMarkup(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/[`*_{}[\]()#+!|~>]/g, (ch) => `\\${ch}`)
    .replace(/\r\n?|\n/g, ' ');
}

/**
 * Inline markdown of untrusted text (column, file, metric and branch names, values), as GitHub and
 * GitLab render comments: the markup escaped as above, and `@user`, `#123`, `!123`, `GH-123` and
 * bare URLs made inert, so data cannot ping people, cross-link issues or become a link.
 */
export function escapeMarkdown(text: string): string {
  return inert(escapeMarkdownMarkup(text));
}

/**
 * `@user`, `#123`, `!123`, `GH-123` and bare URLs split by a zero-width space, so GitHub and
 * GitLab neither ping, cross-link nor link them (they do so in HTML text too).
 */
export function inert(text: string): string {
  return text
    .replace(/@(?=[\w-])/g, `@${BREAK}`)
    .replace(/#(?=\d)/g, `#${BREAK}`)
    .replace(/!(?=\d)/g, `!${BREAK}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${BREAK}`)
    .replace(/:\/\//g, `:${BREAK}//`)
    .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}${BREAK}.`);
}

/** HTML and XML (SVG) text and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** A Mermaid label's text: characters that end or break the quoted label become spaces. */
export function mermaidText(text: string): string {
  return text.replace(/["`\\\n\r[\]]/g, ' ');
}
