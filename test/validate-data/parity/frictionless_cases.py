"""Reference: frictionless-py's verdict on each parity case, in one process.

Reads [{"name", "data", "schema", "v2"}] as JSON on stdin and prints
[{"name", "valid", "errors": [[type, rowNumber, fieldName]], "refused"}]: `refused` holds the
note when frictionless will not take the schema (a descriptor error), else it is null.
"""
import json
import os
import sys

from frictionless import FrictionlessException, Resource

V2_RESOURCE = "https://datapackage.org/profiles/2.0/dataresource.json"
DESCRIPTOR_ERRORS = {"resource-error", "schema-error", "field-error", "package-error"}

out = []
for case in json.load(sys.stdin):
    result = {"name": case["name"], "valid": False, "errors": [], "refused": None}
    try:
        descriptor = {"name": "data", "path": os.path.basename(case["data"]), "schema": case["schema"]}
        if case.get("v2"):
            descriptor["$schema"] = V2_RESOURCE
        resource = Resource.from_descriptor(descriptor, basepath=os.path.dirname(case["data"]))
        report = resource.validate(limit_errors=100000)
        errors = list(report.errors) + [error for task in report.tasks for error in task.errors]
        refusals = [error for error in errors if error.type in DESCRIPTOR_ERRORS or error.type == "error"]
        if refusals:
            result["refused"] = refusals[0].note or refusals[0].message
        else:
            result["valid"] = report.valid
            result["errors"] = [[e.type, getattr(e, "row_number", None), getattr(e, "field_name", None) or ""] for e in errors]
    except FrictionlessException as error:
        result["refused"] = str(error)
    out.append(result)
json.dump(out, sys.stdout)
