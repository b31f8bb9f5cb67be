"""Peer for scripts/bench/compare.mjs: the paired bootstrap of the change, vectorized with numpy.

Reads labels (uint8) and two models' scores (float64) written by the bench. Each resample draws
rows within each class (stratified, as modelci does), turns them into a multiplicity per row with
one bincount, and scores both models on it: ROC AUC from each model's scores sorted once (tie
groups, so no resample re-sorts), accuracy and log loss as weighted sums of per-row terms. The
interval is numpy's percentile of the 1000 differences. Prints one JSON line: the seconds, the
full-data values (to check both sides compute the same metrics), the intervals, and the peak RSS.
"""
import json
import resource
import sys
import time

import numpy as np

labels_path, champion_path, challenger_path, resamples, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
y = np.fromfile(labels_path, dtype=np.uint8).astype(np.int64)
scores = [np.fromfile(champion_path, dtype=np.float64), np.fromfile(challenger_path, dtype=np.float64)]
n = len(y)
EPS = np.finfo(np.float64).eps

t0 = time.perf_counter()


def prepare(s):
    order = np.argsort(-s, kind="stable")
    ss = s[order]
    group = np.concatenate([[0], np.cumsum(ss[1:] != ss[:-1])])
    clipped = np.clip(s, EPS, 1 - EPS)
    return {
        "order": order,
        "ys": y[order],
        "group": group,
        "groups": int(group[-1]) + 1,
        "right": ((s >= 0.5).astype(np.int64) == y).astype(np.float64),
        "loss": -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)),
    }


models = [prepare(s) for s in scores]


def metrics(model, w):
    ws = w[model["order"]].astype(np.float64)
    pos = np.bincount(model["group"], weights=ws * model["ys"], minlength=model["groups"])
    neg = np.bincount(model["group"], weights=ws * (1 - model["ys"]), minlength=model["groups"])
    above = np.cumsum(pos) - pos
    auc = np.dot(neg, above + 0.5 * pos) / (pos.sum() * neg.sum())
    total = w.sum()
    return np.array([auc, np.dot(w, model["right"]) / total, np.dot(w, model["loss"]) / total])


full = [metrics(m, np.ones(n)) for m in models]
strata = [np.flatnonzero(y == 0), np.flatnonzero(y == 1)]
rng = np.random.default_rng(seed)
deltas = np.empty((resamples, 3))
for b in range(resamples):
    drawn = np.concatenate([stratum[rng.integers(0, len(stratum), len(stratum))] for stratum in strata])
    w = np.bincount(drawn, minlength=n).astype(np.float64)
    deltas[b] = metrics(models[1], w) - metrics(models[0], w)
lo, hi = np.percentile(deltas, [2.5, 97.5], axis=0)
t1 = time.perf_counter()

names = ["roc_auc", "accuracy", "log_loss"]
print(json.dumps({
    "total_s": t1 - t0,
    "champion": dict(zip(names, full[0].tolist())),
    "challenger": dict(zip(names, full[1].tolist())),
    "ci": {name: [float(lo[i]), float(hi[i])] for i, name in enumerate(names)},
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
