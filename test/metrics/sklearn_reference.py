# scikit-learn reference values for test/metrics/sklearn.test.ts.
# Reads {"binary": [...], "multiclass": [...], "regression": [...]} on stdin, prints the metrics.
# NaN / inf (sklearn's "undefined") become null.
import json
import math
import sys
import warnings

import numpy as np
from sklearn import metrics as M
from sklearn.calibration import calibration_curve

warnings.simplefilter("ignore")


def clean(value):
    value = float(value)
    return value if math.isfinite(value) else None


def ece(y, p, w, bins=10):
    edges = np.linspace(0.0, 1.0, bins + 1)
    ids = np.searchsorted(edges[1:-1], p)
    w = np.ones_like(p) if w is None else w
    total = np.bincount(ids, weights=w, minlength=bins)
    pos = np.bincount(ids, weights=w * y, minlength=bins)
    mean_p = np.bincount(ids, weights=w * p, minlength=bins)
    nz = total > 0
    return float(np.sum(total[nz] / total.sum() * np.abs(pos[nz] / total[nz] - mean_p[nz] / total[nz])))


def binary(case):
    y = np.asarray(case["y"], dtype=int)
    s = np.asarray(case["score"], dtype=float)
    w = np.asarray(case["weight"], dtype=float) if "weight" in case else None
    pred = np.asarray(case["pred"], dtype=int) if "pred" in case else (s >= 0.5).astype(int)
    out = {
        "accuracy": M.accuracy_score(y, pred, sample_weight=w),
        "balanced_accuracy": M.balanced_accuracy_score(y, pred, sample_weight=w),
        "precision": M.precision_score(y, pred, sample_weight=w, pos_label=1, average="binary"),
        "recall": M.recall_score(y, pred, sample_weight=w, pos_label=1, average="binary"),
        "f1": M.f1_score(y, pred, sample_weight=w, pos_label=1, average="binary"),
        "roc_auc": M.roc_auc_score(y, s, sample_weight=w) if len(np.unique(y)) == 2 else float("nan"),
        "average_precision": M.average_precision_score(y, s, sample_weight=w) if y.sum() > 0 else float("nan"),
        "log_loss": M.log_loss(y, s, sample_weight=w, labels=[0, 1]),
        "brier_score": M.brier_score_loss(y, s, sample_weight=w, labels=[0, 1]),
        "matthews_corrcoef": M.matthews_corrcoef(y, pred, sample_weight=w),
        "ece": ece(y, s, w),
    }
    result = {k: clean(v) for k, v in out.items()}
    cm = M.confusion_matrix(y, pred, labels=[0, 1], sample_weight=w)
    extra = {"confusion": cm.astype(float).tolist()}
    if w is None and len(np.unique(y)) == 2:
        prob_true, prob_pred = calibration_curve(y, s, n_bins=10)
        extra["reliability"] = {"fraction_positive": prob_true.tolist(), "mean_predicted": prob_pred.tolist()}
        fpr, tpr, _ = M.roc_curve(y, s, drop_intermediate=False)
        precision, recall, _ = M.precision_recall_curve(y, s)
        extra["roc"] = {"fpr": fpr.tolist(), "tpr": tpr.tolist()}
        extra["pr"] = {"precision": precision[::-1].tolist(), "recall": recall[::-1].tolist()}
    return {"metrics": result, **extra}


def roc_auc_ovr(y, P, labels, w):
    try:
        return M.roc_auc_score(y, P, multi_class="ovr", average="macro", labels=labels, sample_weight=w)
    except ValueError:  # rows not summing to 1: sklearn refuses, we report null
        return float("nan")


def multiclass(case):
    k = case["k"]
    y = np.asarray(case["y"], dtype=int)
    P = np.asarray(case["proba"], dtype=float).reshape(-1, k)
    w = np.asarray(case["weight"], dtype=float) if "weight" in case else None
    pred = np.argmax(P, axis=1)
    labels = list(range(k))
    out = {
        "accuracy": M.accuracy_score(y, pred, sample_weight=w),
        "balanced_accuracy": M.balanced_accuracy_score(y, pred, sample_weight=w),
        "log_loss": M.log_loss(y, P, sample_weight=w, labels=labels),
        "roc_auc_ovr": roc_auc_ovr(y, P, labels, w),
        "matthews_corrcoef": M.matthews_corrcoef(y, pred, sample_weight=w),
    }
    for name, fn in (("precision", M.precision_score), ("recall", M.recall_score), ("f1", M.f1_score)):
        for average in ("macro", "micro", "weighted"):
            out[f"{name}_{average}"] = fn(y, pred, average=average, sample_weight=w)
    cm = M.confusion_matrix(y, pred, labels=labels, sample_weight=w)
    return {"metrics": {k2: clean(v) for k2, v in out.items()}, "confusion": cm.astype(float).tolist()}


def regression(case):
    y = np.asarray(case["y"], dtype=float)
    p = np.asarray(case["pred"], dtype=float)
    w = np.asarray(case["weight"], dtype=float) if "weight" in case else None
    out = {
        "mae": M.mean_absolute_error(y, p, sample_weight=w),
        "mse": M.mean_squared_error(y, p, sample_weight=w),
        "rmse": M.root_mean_squared_error(y, p, sample_weight=w),
        "r2": M.r2_score(y, p, sample_weight=w, force_finite=False),
        "mape": M.mean_absolute_percentage_error(y, p, sample_weight=w),
        "median_absolute_error": M.median_absolute_error(y, p, sample_weight=w),
        "explained_variance": M.explained_variance_score(y, p, sample_weight=w, force_finite=False),
    }
    return {"metrics": {k: clean(v) for k, v in out.items()}}


cases = json.load(sys.stdin)
json.dump(
    {
        "binary": [binary(c) for c in cases.get("binary", [])],
        "multiclass": [multiclass(c) for c in cases.get("multiclass", [])],
        "regression": [regression(c) for c in cases.get("regression", [])],
    },
    sys.stdout,
)
