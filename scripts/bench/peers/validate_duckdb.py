"""DuckDB running the bench checks as SQL over the CSV read as text (so every bad value is
counted, not just the first), or over the Parquet file's typed columns: types via TRY_CAST,
required, ranges, enums, unique id, anchored regex.

Usage: validate_duckdb.py FILE THREADS. Prints {"rows", "errors"}.
"""
import json
import sys

import duckdb

path, threads = sys.argv[1], int(sys.argv[2])
con = duckdb.connect(config={"threads": threads})
cat5 = ", ".join(f"'c{i}'" for i in range(5))
cat50 = ", ".join(f"'k{i:02d}'" for i in range(50))
num = lambda col: f"({col} IS NOT NULL AND TRY_CAST({col} AS DOUBLE) IS NULL)"
source = f"read_parquet('{path}')" if path.endswith(".parquet") else f"read_csv('{path}', all_varchar = true, header = true)"
query = f"""
WITH t AS (SELECT * FROM {source})
SELECT
  count(*) AS rows,
  count(*) FILTER (WHERE id IS NULL OR TRY_CAST(id AS BIGINT) IS NULL)
  + count(*) FILTER (WHERE x_normal IS NULL OR TRY_CAST(x_normal AS DOUBLE) IS NULL)
  + count(*) FILTER (WHERE x_lognormal IS NULL OR NOT coalesce(TRY_CAST(x_lognormal AS DOUBLE) >= 0, false))
  + count(*) FILTER (WHERE {num('x_missing')})
  + count(*) FILTER (WHERE cat5 IS NULL OR cat5 NOT IN ({cat5}))
  + count(*) FILTER (WHERE cat50 IS NULL OR cat50 NOT IN ({cat50}))
  + count(*) FILTER (WHERE flag IS NULL OR flag NOT IN ('true', 'false'))
  + count(*) FILTER (WHERE day IS NULL OR NOT coalesce(TRY_CAST(day AS DATE) BETWEEN DATE '2020-01-01' AND DATE '2025-12-31', false))
  + count(*) FILTER (WHERE text IS NULL OR NOT regexp_full_match(text, '[a-z]+ [a-z]+'))
  + count(*) FILTER (WHERE label IS NULL OR TRY_CAST(label AS INTEGER) NOT IN (0, 1) OR TRY_CAST(label AS INTEGER) IS NULL)
  + count(*) FILTER (WHERE score IS NULL OR NOT coalesce(TRY_CAST(score AS DOUBLE) BETWEEN 0 AND 1, false))
  + count(*) FILTER (WHERE code IS NULL OR NOT regexp_full_match(code, 'C[0-9]{{6}}'))
  + (count(id) - count(DISTINCT TRY_CAST(id AS BIGINT))) AS errors
FROM t
"""
rows, errors = con.execute(query).fetchone()
json.dump({"rows": rows, "errors": int(errors)}, sys.stdout)
