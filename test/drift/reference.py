"""Reference numbers for the drift tests: scipy and Evidently's own stattest functions.

stdin: {"cases": [{"kind": "numeric"|"categorical", "integer": bool, "ref": [...], "cur": [...]}]}
stdout: one result object per case. NaN/inf are dropped first, as Evidently's drift calculation does.
"""
import json
import math
import sys
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

# Evidently 0.7 imports a helper pandas 3 removed; restore it so Evidently's own stattests load.
import pandas.core.dtypes.common as _pd_common

if not hasattr(_pd_common, "infer_dtype_from_object"):
    _pd_common.infer_dtype_from_object = lambda dtype: np.dtype(dtype).type

from evidently.legacy.core import ColumnType
from evidently.legacy.calculations.stattests.chisquare_stattest import _chi_stat_test
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon
from evidently.legacy.calculations.stattests.psi import _psi
from evidently.legacy.calculations.stattests.registry import _get_default_stattest
from evidently.legacy.calculations.stattests.utils import get_binned_data
from evidently.legacy.calculations.stattests.wasserstein_distance_norm import _wasserstein_distance_norm
from evidently.legacy.calculations.stattests.z_stattest import _z_stat_test
from evidently.legacy.calculations.stattests.ks_stattest import _ks_stat_test

warnings.simplefilter("ignore")


def num(x):
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def series(values, kind, integer):
    s = pd.Series(values)
    if kind == "numeric":
        s = pd.Series([float(v) for v in values], dtype=float)
        s = s.replace([-np.inf, np.inf], np.nan).dropna()
        if integer:
            s = s.astype("int64")
    else:
        s = s.dropna().astype(object)
    return s.reset_index(drop=True)


def psi_deciles(ref, cur, kind):
    if kind == "numeric":
        cuts = np.unique(np.quantile(ref.to_numpy(dtype=float), np.arange(1, 10) / 10))
        r = np.bincount(np.searchsorted(cuts, ref.to_numpy(dtype=float), side="left"), minlength=len(cuts) + 1) / len(ref)
        c = np.bincount(np.searchsorted(cuts, cur.to_numpy(dtype=float), side="left"), minlength=len(cuts) + 1) / len(cur)
    else:
        keys = list(set(ref) | set(cur))
        rc, cc = ref.value_counts(), cur.value_counts()
        r = np.array([rc.get(k, 0) for k in keys]) / len(ref)
        c = np.array([cc.get(k, 0) for k in keys]) / len(cur)
    r = np.maximum(r, 1e-4)
    c = np.maximum(c, 1e-4)
    return float(np.sum((r - c) * np.log(r / c)))


def chisquare_stat(ref, cur):
    keys = list(set(ref) | set(cur))
    rc, cc = ref.value_counts(), cur.value_counts()
    k = len(cur) / len(ref)
    f_exp = np.array([rc.get(key, 0) * k for key in keys], dtype=float)
    f_obs = np.array([cc.get(key, 0) for key in keys], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        res = stats.chisquare(f_obs, f_exp)
    return float(res[0]), float(res[1])


def main():
    cases = json.load(sys.stdin)["cases"]
    out = []
    for case in cases:
        kind = case["kind"]
        ctype = ColumnType.Numerical if kind == "numeric" else ColumnType.Categorical
        ref = series(case["ref"], kind, case.get("integer", False))
        cur = series(case["cur"], kind, case.get("integer", False))
        r = {"auto": _get_default_stattest(ref, cur, ctype).name}
        if kind == "numeric":
            ks = stats.ks_2samp(ref.to_numpy(dtype=float), cur.to_numpy(dtype=float))
            r["ks"] = [num(ks.statistic), num(ks.pvalue)]
            r["ks_evidently_p"] = num(_ks_stat_test(ref, cur, ctype, 0.05)[0])
            r["wasserstein"] = num(_wasserstein_distance_norm(ref, cur, ctype, 0.1)[0])
        r["psi"] = num(_psi(ref, cur, ctype, 0.1)[0])
        r["jensenshannon"] = num(_jensenshannon(ref, cur, ctype, 0.1)[0])
        rp, cp = get_binned_data(ref, cur, ctype, 30, False)
        r["jsd"] = num(distance.jensenshannon(rp, cp, 2.0) ** 2)
        r["linf"] = num(np.max(np.abs(rp - cp)))
        r["psi_deciles"] = psi_deciles(ref, cur, kind)
        stat, p = chisquare_stat(ref, cur)
        r["chisquare"] = [num(stat), num(p)]
        r["chisquare_evidently_p"] = num(_chi_stat_test(ref, cur, ctype, 0.05)[0])
        r["z_evidently_p"] = num(_z_stat_test(ref, cur, ctype, 0.05)[0])
        out.append(r)
    json.dump(out, sys.stdout)


main()
