/**
 * Text cut to at most `max` characters (code points) with `…`, at the last word boundary when one
 * lies in the second half, so a title reads "Histogram of the monthly…" and not "…mont…".
 * A single long word is cut where it must be.
 */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const room = chars.slice(0, Math.max(1, max - 1)).join('');
  const boundary = room.search(/\s+\S*$/);
  const cut = boundary >= Math.floor(max / 2) ? room.slice(0, boundary) : room;
  return `${cut.replace(/[\s,;:.-]+$/, '')}…`;
}
