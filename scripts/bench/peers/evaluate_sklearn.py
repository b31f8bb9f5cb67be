"""Peer for scripts/bench/evaluate.mjs: the same work with numpy and scikit-learn.

Reads labels (uint8) and scores (float64) written by the bench, computes every binary metric
with scikit-learn (ECE with numpy, as scikit-learn has none), then a 1000-resample stratified
percentile bootstrap of ROC AUC, vectorized with numpy: the scores are sorted once and each
resample is a bincount of drawn rows per tie group, so no resample re-sorts. Prints one JSON
line: seconds for each part, the values, and the peak RSS.
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
from sklearn import metrics as M

warnings.simplefilter("ignore")
labels_path, scores_path, resamples, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
y = np.fromfile(labels_path, dtype=np.uint8).astype(np.int64)
s = np.fromfile(scores_path, dtype=np.float64)

t0 = time.perf_counter()
pred = (s >= 0.5).astype(np.int64)
edges = np.linspace(0.0, 1.0, 11)
ids = np.searchsorted(edges[1:-1], s)
total = np.bincount(ids, minlength=10).astype(float)
nz = total > 0
ece = float(np.sum(total[nz] / total.sum() * np.abs(np.bincount(ids, weights=y, minlength=10)[nz] / total[nz] - np.bincount(ids, weights=s, minlength=10)[nz] / total[nz])))
values = {
    "accuracy": M.accuracy_score(y, pred),
    "balanced_accuracy": M.balanced_accuracy_score(y, pred),
    "precision": M.precision_score(y, pred),
    "recall": M.recall_score(y, pred),
    "f1": M.f1_score(y, pred),
    "roc_auc": M.roc_auc_score(y, s),
    "average_precision": M.average_precision_score(y, s),
    "log_loss": M.log_loss(y, s),
    "brier_score": M.brier_score_loss(y, s),
    "matthews_corrcoef": M.matthews_corrcoef(y, pred),
    "ece": ece,
    "confusion_matrix": M.confusion_matrix(y, pred).tolist(),
}
t1 = time.perf_counter()

order = np.argsort(-s, kind="stable")
ys = y[order]
ss = s[order]
group = np.concatenate([[0], np.cumsum(ss[1:] != ss[:-1])])
groups = int(group[-1]) + 1
pos_group = group[ys == 1]
neg_group = group[ys == 0]
P, N = len(pos_group), len(neg_group)
rng = np.random.default_rng(seed)
aucs = np.empty(resamples)
for b in range(resamples):
    pc = np.bincount(pos_group[rng.integers(0, P, P)], minlength=groups)
    nc = np.bincount(neg_group[rng.integers(0, N, N)], minlength=groups)
    above = np.cumsum(pc) - pc  # positives ranked strictly above each group
    aucs[b] = np.dot(nc, above + 0.5 * pc) / (P * N)
ci = np.percentile(aucs, [2.5, 97.5]).tolist()
t2 = time.perf_counter()

print(json.dumps({
    "metrics_s": t1 - t0,
    "bootstrap_s": t2 - t1,
    "total_s": t2 - t0,
    "roc_auc": values["roc_auc"],
    "ci": ci,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
