import type { ReportDocument } from './document.js';
import { escapeXml } from './escape.js';
import { inlineHtml, renderHtml } from './render-html.js';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:1100px;margin:2rem auto;padding:0 1rem}
h2{border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h3{margin-top:2rem}
table{border-collapse:collapse;margin:.8rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.right{text-align:right}.center{text-align:center}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px;font-size:90%}
pre{background:#f6f8fa;padding:.8rem;overflow:auto}
details{margin:.6rem 0}summary{cursor:pointer;font-weight:600}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.4rem}
figure svg{max-width:100%;height:auto;display:block}
table.chart-data{font-size:90%}
blockquote{border-left:4px solid #d0d7de;margin:0;padding:0 1rem;color:#59636e}
`.trim();

/**
 * The report as one self-contained HTML file: inline CSS and SVG, no scripts, nothing fetched,
 * and the same bytes for the same evidence. It holds everything the comment holds and more:
 * every chart drawn, every table in full.
 */
export function reportHtml(doc: ReportDocument): string {
  const sections = doc.sections.map((section) => {
    const body = renderHtml(section.blocks);
    const inner = section.open ? body : `<details open><summary>${inlineHtml([section.summary])}</summary>${body}</details>`;
    return `<section>${renderHtml([section.heading])}${inner}</section>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeXml(doc.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    renderHtml(doc.headline),
    ...sections,
    '</body></html>',
    '',
  ].join('\n');
}
