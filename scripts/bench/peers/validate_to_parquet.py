"""Writes the bench CSV as Parquet with pyarrow (typed columns, 128Ki-row groups, dictionary
encoding as pyarrow chooses), so every tool validates the same rows.

Usage: validate_to_parquet.py CSV PARQUET
"""
import os
import sys

import pyarrow as pa
import pyarrow.csv as pc
import pyarrow.parquet as pq

source, target = sys.argv[1], sys.argv[2]
types = {"id": pa.int64(), "x_normal": pa.float64(), "x_lognormal": pa.float64(), "x_missing": pa.float64(), "cat5": pa.string(), "cat50": pa.string(), "flag": pa.bool_(), "day": pa.date32(), "text": pa.string(), "label": pa.int64(), "score": pa.float64(), "code": pa.string()}
reader = pc.open_csv(source, convert_options=pc.ConvertOptions(column_types=types, strings_can_be_null=False))
with pq.ParquetWriter(target + ".part", reader.schema) as writer:
    pending = []
    count = 0
    for batch in reader:
        pending.append(batch)
        count += batch.num_rows
        if count >= 1 << 17:
            writer.write_table(pa.Table.from_batches(pending), row_group_size=1 << 17)
            pending, count = [], 0
    if pending:
        writer.write_table(pa.Table.from_batches(pending), row_group_size=1 << 17)
os.replace(target + ".part", target)
