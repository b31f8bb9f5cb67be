import { shorten } from '../../text/shorten.js';
import { escapeXml } from '../escape.js';

/**
 * Standalone SVG charts (no scripts, no external fonts or styles), readable as files, inside
 * the HTML report and in a browser. Every text node is XML-escaped: titles and labels can come
 * from data (class names, column names).
 */

export { escapeXml } from '../escape.js';

export const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

export interface Range {
  min: number;
  max: number;
}

/** "Nice" tick values (1, 2, 5 x 10^k steps) covering the range. */
export function niceTicks(range: Range, target = 6): number[] {
  const span = range.max - range.min;
  if (!(span > 0) || !Number.isFinite(span)) return [range.min];
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => span / s <= target) ?? 10 * magnitude;
  const ticks: number[] = [];
  const first = Math.ceil(range.min / step - 1e-9) * step;
  for (let v = first; v <= range.max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function formatTick(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(4)));
}

export interface LineSeries {
  name: string;
  points: [number, number][];
  color?: string;
  dashed?: boolean;
  /** Draw a dot at each point (for few points, e.g. a reliability curve). */
  markers?: boolean;
  /** Draw as a step function (post), as ROC and PR curves are. */
  step?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  x: Range;
  y: Range;
  series: LineSeries[];
  /** A line under the title, e.g. "AUC 0.871 [0.862, 0.880]". */
  subtitle?: string;
  width?: number;
  height?: number;
  /** Cap on drawn points per series; long curves are thinned evenly (first and last kept). */
  maxPoints?: number;
}

interface Frame {
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
  width: number;
  height: number;
}

function frame(width: number, height: number, hasSubtitle: boolean, legendRows: number): Frame {
  const left = 64;
  const top = hasSubtitle ? 62 : 44;
  const bottom = 52 + legendRows * 18;
  const right = 20;
  return { left, top, plotWidth: width - left - right, plotHeight: height - top - bottom, width, height };
}

function header(width: number, height: number, title: string, subtitle?: string): string[] {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" ${FONT} font-size="16" font-weight="600" fill="#111827">${escapeXml(shorten(title, Math.floor(width / 9)))}</text>`,
  ];
  if (subtitle) out.push(`<text x="${width / 2}" y="46" text-anchor="middle" ${FONT} font-size="12" fill="#4b5563">${escapeXml(subtitle)}</text>`);
  return out;
}

function thin(points: [number, number][], max: number): [number, number][] {
  if (points.length <= max) return points;
  const out: [number, number][] = [];
  const stride = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * stride)]!);
  return out;
}

const r = (v: number) => Number(v.toFixed(2));

export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 520;
  const height = spec.height ?? 420;
  const named = spec.series.filter((s) => s.name);
  const legendRows = Math.ceil(named.length / 3);
  const f = frame(width, height, Boolean(spec.subtitle), legendRows);
  const sx = (v: number) => f.left + ((v - spec.x.min) / (spec.x.max - spec.x.min || 1)) * f.plotWidth;
  const sy = (v: number) => f.top + f.plotHeight - ((v - spec.y.min) / (spec.y.max - spec.y.min || 1)) * f.plotHeight;
  const out = header(width, height, spec.title, spec.subtitle);
  out.push(...axes(f, spec.x, spec.y, sx, sy, spec.xLabel, spec.yLabel));
  const clip = `clip-${hashId(spec.title + spec.series.map((x) => x.name).join('|'))}`;
  out.push(`<clipPath id="${clip}"><rect x="${f.left}" y="${f.top}" width="${f.plotWidth}" height="${f.plotHeight}"/></clipPath>`);
  spec.series.forEach((series, index) => {
    const color = series.color ?? PALETTE[index % PALETTE.length]!;
    const points = thin(series.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)), spec.maxPoints ?? 800);
    if (points.length === 0) return;
    let d = `M${r(sx(points[0]![0]))},${r(sy(points[0]![1]))}`;
    for (let i = 1; i < points.length; i++) {
      const [x, y] = points[i]!;
      if (series.step) d += `H${r(sx(x))}V${r(sy(y))}`;
      else d += `L${r(sx(x))},${r(sy(y))}`;
    }
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${series.dashed ? 1.25 : 2}"${series.dashed ? ' stroke-dasharray="5 4"' : ''} stroke-linejoin="round" clip-path="url(#${clip})"/>`);
    if (series.markers) for (const [x, y] of points) out.push(`<circle cx="${r(sx(x))}" cy="${r(sy(y))}" r="3.5" fill="${color}" stroke="#ffffff" stroke-width="1"/>`);
  });
  named.forEach((series, index) => {
    const color = series.color ?? PALETTE[spec.series.indexOf(series) % PALETTE.length]!;
    const column = index % 3;
    const row = Math.floor(index / 3);
    const x = f.left + column * (f.plotWidth / 3);
    const y = height - 14 - (legendRows - 1 - row) * 18;
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    out.push(`<text x="${x + 24}" y="${y}" ${FONT} font-size="12" fill="#374151">${escapeXml(series.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function axes(f: Frame, x: Range, y: Range, sx: (v: number) => number, sy: (v: number) => number, xLabel: string, yLabel: string): string[] {
  const out: string[] = [];
  const bottom = f.top + f.plotHeight;
  out.push(`<rect x="${f.left}" y="${f.top}" width="${f.plotWidth}" height="${f.plotHeight}" fill="#f9fafb" stroke="#d1d5db"/>`);
  for (const t of niceTicks(x)) {
    const px = r(sx(t));
    out.push(`<line x1="${px}" y1="${f.top}" x2="${px}" y2="${bottom}" stroke="#e5e7eb"/>`);
    out.push(`<line x1="${px}" y1="${bottom}" x2="${px}" y2="${bottom + 5}" stroke="#6b7280"/>`);
    out.push(`<text x="${px}" y="${bottom + 18}" text-anchor="middle" ${FONT} font-size="11" fill="#4b5563">${escapeXml(formatTick(t))}</text>`);
  }
  for (const t of niceTicks(y)) {
    const py = r(sy(t));
    out.push(`<line x1="${f.left}" y1="${py}" x2="${f.left + f.plotWidth}" y2="${py}" stroke="#e5e7eb"/>`);
    out.push(`<line x1="${f.left - 5}" y1="${py}" x2="${f.left}" y2="${py}" stroke="#6b7280"/>`);
    out.push(`<text x="${f.left - 8}" y="${py + 4}" text-anchor="end" ${FONT} font-size="11" fill="#4b5563">${escapeXml(formatTick(t))}</text>`);
  }
  out.push(`<line x1="${f.left}" y1="${bottom}" x2="${f.left + f.plotWidth}" y2="${bottom}" stroke="#374151"/>`);
  out.push(`<line x1="${f.left}" y1="${f.top}" x2="${f.left}" y2="${bottom}" stroke="#374151"/>`);
  out.push(`<text x="${f.left + f.plotWidth / 2}" y="${bottom + 38}" text-anchor="middle" ${FONT} font-size="13" fill="#111827">${escapeXml(xLabel)}</text>`);
  const cy = f.top + f.plotHeight / 2;
  out.push(`<text x="18" y="${cy}" text-anchor="middle" transform="rotate(-90 18 ${cy})" ${FONT} font-size="13" fill="#111827">${escapeXml(yLabel)}</text>`);
  return out;
}

export interface HeatmapSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  rowLabels: string[];
  columnLabels: string[];
  values: number[][];
  /** Text in each cell; default the value with up to 4 significant digits. */
  cellText?: (value: number, row: number, column: number) => string;
  /** Shade by the row share instead of the global maximum (confusion matrices). */
  normalizeRows?: boolean;
}

/** A shaded grid with the numbers written in each cell, e.g. a confusion matrix. */
export function heatmap(spec: HeatmapSpec): string {
  const rows = spec.rowLabels.length;
  const columns = spec.columnLabels.length;
  const longest = Math.max(1, ...spec.rowLabels.map((l) => Math.min(l.length, 18)));
  const cell = Math.max(34, Math.min(90, Math.floor(480 / Math.max(rows, columns))));
  const labelRoom = 48 + longest * 7;
  const top = spec.subtitle ? 86 : 70;
  const width = Math.max(420, labelRoom + columns * cell + 24, (spec.subtitle?.length ?? 0) * 6.5 + 40, spec.title.length * 9 + 40);
  // Center the grid when the title is wider than it.
  const left = Math.max(labelRoom, Math.round((width - columns * cell) / 2));
  const height = top + rows * cell + 56;
  const out = header(width, height, spec.title, spec.subtitle);
  const max = Math.max(0, ...spec.values.flat());
  const text = spec.cellText ?? ((v: number) => formatTick(v));
  spec.values.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    row.forEach((value, j) => {
      const share = spec.normalizeRows ? (rowTotal > 0 ? value / rowTotal : 0) : max > 0 ? value / max : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${shade(share)}" stroke="#ffffff" stroke-width="2"/>`);
      const fontSize = Math.max(9, Math.min(14, cell / 4));
      out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + fontSize / 3}" text-anchor="middle" ${FONT} font-size="${fontSize}" fill="${share > 0.55 ? '#ffffff' : '#111827'}">${escapeXml(text(value, i, j))}</text>`);
    });
    out.push(`<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" ${FONT} font-size="12" fill="#374151">${escapeXml(shorten(spec.rowLabels[i]!, 18))}</text>`);
  });
  spec.columnLabels.forEach((label, j) => {
    out.push(`<text x="${left + j * cell + cell / 2}" y="${top - 8}" text-anchor="middle" ${FONT} font-size="12" fill="#374151">${escapeXml(shorten(label, Math.max(4, Math.floor(cell / 7))))}</text>`);
  });
  out.push(`<text x="${left + (columns * cell) / 2}" y="${top + rows * cell + 30}" text-anchor="middle" ${FONT} font-size="13" fill="#111827">${escapeXml(spec.xLabel)}</text>`);
  const cy = top + (rows * cell) / 2;
  const lx = Math.max(16, left - longest * 7 - 28);
  out.push(`<text x="${lx}" y="${cy}" text-anchor="middle" transform="rotate(-90 ${lx} ${cy})" ${FONT} font-size="13" fill="#111827">${escapeXml(spec.yLabel)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Short stable id, so several charts inlined in one HTML page do not share clip-path ids. */
function hashId(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/** White to blue. */
function shade(share: number): string {
  const t = Math.max(0, Math.min(1, share));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(239, 30)},${mix(246, 64)},${mix(255, 175)})`;
}
