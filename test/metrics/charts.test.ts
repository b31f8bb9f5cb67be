import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { calibrationChart, confusionChart, precisionRecallChart, rocChart } from '../../shared/report/charts/metric-charts.js';
import { escapeXml, heatmap, lineChart, niceTicks } from '../../shared/report/charts/svg.js';
import { hasPythonModule, pythonPath } from '../helpers/python.js';

function parsesAsXml(svg: string): boolean {
  execFileSync(pythonPath(), ['-c', 'import sys, xml.etree.ElementTree as E; E.fromstring(sys.stdin.read())'], { input: svg });
  return true;
}

const hostile = 'a<script>alert("x")</script>&b';

describe('SVG charts', () => {
  it('nice ticks cover the range with 1-2-5 steps', () => {
    expect(niceTicks({ min: 0, max: 1 })).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks({ min: 0, max: 37 })).toEqual([0, 10, 20, 30]);
  });

  it('escapes text from data in titles, labels and legends', () => {
    const svg = lineChart({ title: hostile, xLabel: hostile, yLabel: 'y', x: { min: 0, max: 1 }, y: { min: 0, max: 1 }, series: [{ name: hostile, points: [[0, 0], [1, 1]] }] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain(escapeXml(hostile));
    const grid = heatmap({ title: 't', xLabel: 'x', yLabel: 'y', rowLabels: [hostile, 'b'], columnLabels: [hostile, 'b'], values: [[1, 2], [3, 4]] });
    expect(grid).not.toContain('<script>');
  });

  it('draws ROC, PR, calibration and confusion charts with axes, ticks and labels', () => {
    const roc = rocChart({ x: [0, 0.1, 0.5, 1], y: [0, 0.6, 0.9, 1] }, 0.8123, [0.8, 0.83]);
    expect(roc.svg).toContain('False positive rate');
    expect(roc.svg).toContain('ROC AUC 0.812 [0.800, 0.830]');
    expect(roc.mermaid).toMatch(/^```mermaid\nxychart-beta/);
    expect(roc.mermaid.split('\n').filter((l) => l.trim().startsWith('line')).length).toBe(2);
    const pr = precisionRecallChart({ x: [0, 0.5, 1], y: [1, 0.8, 0.4] }, 0.7, 0.4);
    expect(pr.svg).toContain('Precision');
    const calibration = calibrationChart([{ lo: 0, hi: 0.1, weight: 5, meanPredicted: 0.05, fractionPositive: 0.1 }], 0.05);
    expect(calibration.svg).toContain('<circle');
    const confusion = confusionChart(['no', hostile], [[50, 5], [7, 38]]);
    expect(confusion.svg).toContain('>50<');
    expect(confusion.mermaid).toContain('bar [50, 5, 7, 38]');
    if (hasPythonModule('xml')) for (const chart of [roc, pr, calibration, confusion]) expect(parsesAsXml(chart.svg)).toBe(true);
  });
});
