"""Reference: frictionless-py's error list for each {data, schema} pair read as JSON on stdin.

Prints [{"fixture", "errors": [[code, rowNumber, fieldName]], "rows"}] (or "exception").
"""
import json
import os
import sys

from frictionless import Resource

V2_RESOURCE = "https://datapackage.org/profiles/2.0/dataresource.json"

out = []
for case in json.load(sys.stdin):
    try:
        # A v2 schema needs a v2 resource around it: frictionless imposes the outer version.
        descriptor = {"name": "data", "path": os.path.basename(case["data"]), "schema": case["schema"]}
        if "2.0" in str(case["schema"].get("$schema", "")):
            descriptor["$schema"] = V2_RESOURCE
        resource = Resource.from_descriptor(descriptor, basepath=os.path.dirname(case["data"]))
        report = resource.validate(limit_errors=100000)
        task = report.tasks[0]
        errors = [
            [e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or ""]
            for e in task.errors
        ]
        out.append({"fixture": case["fixture"], "errors": errors, "rows": task.stats.get("rows")})
    except Exception as error:  # noqa: BLE001 - reported to the test as a value
        out.append({"fixture": case["fixture"], "exception": f"{type(error).__name__}: {error}"})
json.dump(out, sys.stdout)
