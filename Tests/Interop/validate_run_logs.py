"""Validates run logs (JSON Lines) against docs/run-log.schema.json, line by line.

Usage: validate_run_logs.py SCHEMA FILE...
Fails (exit 1) naming the file, the line and the first error; prints how many lines each file held.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
failed = False
for path in sys.argv[2:]:
    lines = open(path).read().splitlines()
    if not lines:
        print(f"{path}: empty", file=sys.stderr)
        failed = True
    for number, text in enumerate(lines, 1):
        record = json.loads(text)
        if number == 1 and "step" in record:
            print(f"{path}:1: the first line is not a header", file=sys.stderr)
            failed = True
        errors = sorted(validator.iter_errors(record), key=lambda e: e.path)
        if errors:
            print(f"{path}:{number}: {errors[0].message}", file=sys.stderr)
            failed = True
            break
    print(f"run log {path}: {len(lines)} lines valid" if not failed else f"run log {path}: INVALID", file=sys.stderr)
sys.exit(1 if failed else 0)
