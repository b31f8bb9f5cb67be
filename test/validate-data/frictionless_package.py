"""Reference: frictionless-py's report for each data package read as JSON on stdin.

Input [{"case", "package": path}]; prints [{"case", "resources": [{"name", "errors": [[code, rowNumber, fieldName]], "rows"}]}]
(or "exception" when frictionless refuses the package).
"""
import json
import sys

from frictionless import Package

out = []
for case in json.load(sys.stdin):
    try:
        package = Package(case["package"])
        report = package.validate(limit_errors=100000)
        resources = []
        for task in report.tasks:
            errors = [[e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or ""] for e in task.errors]
            resources.append({"name": task.name, "errors": errors, "rows": task.stats.get("rows")})
        out.append({"case": case["case"], "resources": resources, "valid": report.valid})
    except Exception as error:  # noqa: BLE001 - reported to the test as a value
        out.append({"case": case["case"], "exception": f"{type(error).__name__}: {error}"})
json.dump(out, sys.stdout)
