import type { EvaluateData } from '../../metrics/evaluation.js';
import { calibrationChart, confusionChart, precisionRecallChart, rocChart, type Chart } from './metric-charts.js';

/** The charts of an evaluation, from its result alone: the step writes them as SVG, the report shows them. */
export function evaluationCharts(data: EvaluateData): Chart[] {
  const charts: Chart[] = [];
  if (data.task === 'binary') {
    if (data.curves) {
      const { roc, pr } = data.curves;
      charts.push(rocChart({ x: roc.fpr, y: roc.tpr }, roc.auc, data.metrics.roc_auc?.ci ?? null));
      const ap = data.metrics.average_precision;
      charts.push(precisionRecallChart({ x: pr.recall, y: pr.precision }, ap?.value ?? null, data.prevalence ?? 0, ap?.ci ?? null));
    }
    // ECE is null exactly when the scores are not probabilities, and then calibration means nothing.
    if (data.calibration && data.calibration.ece !== null && data.calibration.curve.length > 0) charts.push(calibrationChart(data.calibration.curve, data.calibration.ece, data.metrics.ece?.ci ?? null));
  }
  if (data.confusionMatrix) charts.push(confusionChart(data.confusionMatrix.labels, data.confusionMatrix.matrix));
  return charts;
}
