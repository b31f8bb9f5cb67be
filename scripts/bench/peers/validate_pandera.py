"""pandas + pandera running the bench checks: types, required, ranges, enums, unique id, anchored regex.

Prints {"rows", "errors"}; lazy=True makes pandera collect every failure instead of stopping.
"""
import json
import sys

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

CAT5 = [f"c{i}" for i in range(5)]
CAT50 = [f"k{i:02d}" for i in range(50)]

schema = pa.DataFrameSchema(
    {
        "id": pa.Column(int, unique=True, nullable=False),
        "x_normal": pa.Column(float, nullable=False),
        "x_lognormal": pa.Column(float, pa.Check.ge(0), nullable=False),
        "x_missing": pa.Column(float, nullable=True),
        "cat5": pa.Column(str, pa.Check.isin(CAT5), nullable=False),
        "cat50": pa.Column(str, pa.Check.isin(CAT50), nullable=False),
        "flag": pa.Column(bool, nullable=False),
        "day": pa.Column("datetime64[ns]", pa.Check.in_range(pd.Timestamp("2020-01-01"), pd.Timestamp("2025-12-31")), nullable=False),
        "text": pa.Column(str, pa.Check.str_matches(r"^(?:[a-z]+ [a-z]+)$"), nullable=False),
        "label": pa.Column(int, pa.Check.isin([0, 1]), nullable=False),
        "score": pa.Column(float, pa.Check.in_range(0, 1), nullable=False),
        "code": pa.Column(str, pa.Check.str_matches(r"^(?:C[0-9]{6})$"), nullable=False),
    },
    coerce=True,
)

frame = pd.read_csv(sys.argv[1], parse_dates=["day"], true_values=["true"], false_values=["false"])
errors = 0
try:
    schema.validate(frame, lazy=True)
except SchemaErrors as failure:
    errors = len(failure.failure_cases)
json.dump({"rows": len(frame), "errors": errors}, sys.stdout)
