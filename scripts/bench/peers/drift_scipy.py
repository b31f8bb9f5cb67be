"""Peer for scripts/bench/drift.mjs: the same drift statistics with numpy, scipy and pandas.

argv: <data dir> <runs>. Reads the columns drift.mjs wrote (float64 .f64 files, one-label-per-line
.txt files), then times, per run, every statistic on every column: numeric columns get ks_2samp,
Evidently's normed Wasserstein, PSI and Jensen-Shannon on Sturges bins; categorical columns get
chi-square, PSI and Jensen-Shannon on per-category frequencies. Loading is not timed (nor is it
on our side). Prints one JSON object: per-run seconds, statistics, peak RSS.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance


def fill_zeroes(p):
    nz = p[p != 0]
    m = nz.min()
    p = p.copy()
    p[p == 0] = m / 1e6 if m <= 1e-4 else 1e-4
    return p


def numeric(ref, cur):
    out = {}
    ks = stats.ks_2samp(ref, cur)
    out["ks"] = [float(ks.statistic), float(ks.pvalue)]
    out["wasserstein"] = float(stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001))
    edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
    rp = np.histogram(ref, edges)[0] / len(ref)
    cp = np.histogram(cur, edges)[0] / len(cur)
    out["jensenshannon"] = float(distance.jensenshannon(rp, cp))
    rf, cf = fill_zeroes(rp), fill_zeroes(cp)
    out["psi"] = float(np.sum((rf - cf) * np.log(rf / cf)))
    return out


def categorical(ref, cur):
    out = {}
    rc = ref.value_counts()
    cc = cur.value_counts()
    keys = rc.index.union(cc.index)
    r = rc.reindex(keys, fill_value=0).to_numpy(dtype=float)
    c = cc.reindex(keys, fill_value=0).to_numpy(dtype=float)
    f_exp = r * (len(cur) / len(ref))
    chi = stats.chisquare(c, f_exp)
    out["chisquare"] = [float(chi.statistic), float(chi.pvalue)]
    rp, cp = r / len(ref), c / len(cur)
    out["jensenshannon"] = float(distance.jensenshannon(rp, cp))
    rf, cf = fill_zeroes(rp), fill_zeroes(cp)
    out["psi"] = float(np.sum((rf - cf) * np.log(rf / cf)))
    return out


def main():
    data_dir, runs = sys.argv[1], int(sys.argv[2])
    with open(os.path.join(data_dir, "columns.json")) as f:
        spec = json.load(f)
    cols = {}
    for col in spec["numeric"]:
        cols[col] = tuple(np.fromfile(os.path.join(data_dir, f"{side}-{col}.f64"), dtype=np.float64) for side in ("ref", "cur"))
    for col in spec["categorical"]:
        cols[col] = tuple(
            pd.Series(open(os.path.join(data_dir, f"{side}-{col}.txt")).read().split("\n"), dtype=object) for side in ("ref", "cur")
        )
    times = []
    results = {}
    for _ in range(runs):
        start = time.perf_counter()
        for col in spec["numeric"]:
            results[col] = numeric(*cols[col])
        for col in spec["categorical"]:
            results[col] = categorical(*cols[col])
        times.append(time.perf_counter() - start)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump({"seconds": times, "results": results, "peakRssMiB": rss_kib / 1024}, sys.stdout)


main()
