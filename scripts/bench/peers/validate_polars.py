"""polars running the bench checks on the CSV (read as text, so every bad value is counted) or
the Parquet file (typed columns): types, required, ranges, enums, unique id, anchored regex.
Threads: POLARS_MAX_THREADS in the environment (read when polars is imported).

Usage: validate_polars.py FILE. Prints {"rows", "errors"}.
"""
import json
import sys

import polars as pl

path = sys.argv[1]
parquet = path.endswith(".parquet")
frame = pl.scan_parquet(path) if parquet else pl.scan_csv(path, infer_schema=False)
col = pl.col
number = lambda name: col(name).cast(pl.Float64, strict=False)
integer = lambda name: col(name).cast(pl.Int64, strict=False)
bad = lambda expression: (~expression).fill_null(True).sum()
day = col("day") if parquet else col("day").str.to_date("%Y-%m-%d", strict=False)
flag = col("flag").is_not_null() if parquet else col("flag").is_in(["true", "false"])
cat5 = [f"c{i}" for i in range(5)]
cat50 = [f"k{i:02d}" for i in range(50)]
checks = [
    bad(integer("id").is_not_null()),
    bad(number("x_normal").is_not_null()),
    bad(number("x_lognormal") >= 0),
    (col("x_missing").is_not_null() & number("x_missing").is_null()).sum(),
    bad(col("cat5").is_in(cat5)),
    bad(col("cat50").is_in(cat50)),
    bad(flag),
    bad(day.is_between(pl.date(2020, 1, 1), pl.date(2025, 12, 31))),
    bad(col("text").str.contains(r"^[a-z]+ [a-z]+$")),
    bad(integer("label").is_in([0, 1])),
    bad(number("score").is_between(0, 1)),
    bad(col("code").str.contains(r"^C[0-9]{6}$")),
    pl.len() - integer("id").drop_nulls().n_unique(),
]
result = frame.select(pl.len().alias("rows"), pl.sum_horizontal(checks).alias("errors")).collect()
json.dump({"rows": int(result["rows"][0]), "errors": int(result["errors"][0])}, sys.stdout)
