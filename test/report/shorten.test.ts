import { describe, expect, it } from 'vitest';
import { xyChart } from '../../shared/report/mermaid.js';
import { shorten } from '../../shared/text/shorten.js';

describe('shorten', () => {
  it('leaves short text alone and cuts long text at a word boundary', () => {
    expect(shorten('ROC curve', 40)).toBe('ROC curve');
    expect(shorten('Histogram of monthly_charges: reference against current', 30)).toBe('Histogram of monthly_charges…');
    expect(shorten('Change against the champion (percent of its value)', 40)).toBe('Change against the champion (percent…');
  });

  it('never ends on a cut word, a space or punctuation, and fits the limit', () => {
    for (const text of ['alpha beta, gamma delta epsilon', 'one two three four five six seven eight', 'a-b-c d: e f g h i j k l m']) {
      for (let max = 6; max < text.length; max++) {
        const out = shorten(text, max);
        expect([...out].length, `${text} @${max}`).toBeLessThanOrEqual(max);
        expect(out.endsWith('…')).toBe(true);
        expect(out).not.toMatch(/[\s,;:.-]…$/);
        const kept = out.slice(0, -1);
        // A kept word is whole unless the text has no boundary in the second half.
        if (kept.length >= Math.floor(max / 2) && /\s/.test(text.slice(0, max))) expect(text.startsWith(kept) && /[\s,;:.-]/.test(text[kept.length] ?? ' ')).toBe(true);
      }
    }
  });

  it('cuts one long word where it must, and counts code points, not UTF-16 units', () => {
    expect(shorten('supercalifragilisticexpialidocious', 10)).toBe('supercali…');
    expect([...shorten('😀😀😀😀😀😀😀😀😀😀😀😀', 5)]).toHaveLength(5);
  });

  it('is what Mermaid chart titles use', () => {
    const chart = xyChart({ title: 'Change of every policy metric against the current champion model', x: { labels: ['a'] }, y: {}, series: [{ kind: 'bar', values: [1] }] });
    expect(chart).toContain('title "Change of every policy metric against…"');
  });
});
