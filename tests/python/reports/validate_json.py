"""Validate a JSON document against a JSON schema with the venv's jsonschema.

Usage: validate_json.py SCHEMA.json DOCUMENT.json

The schema's own `$schema` picks the draft (SARIF 2.1.0's is draft-04); the schema is
checked first. Prints `valid`, or one line per violation (`at /json/pointer: message`,
in document order) and exits 1.
"""

import json
import sys

import jsonschema


def main(schema_path, document_path):
    with open(schema_path, encoding="utf-8") as file:
        schema = json.load(file)
    with open(document_path, encoding="utf-8") as file:
        document = json.load(file)
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    errors = sorted(validator(schema).iter_errors(document), key=lambda error: [str(part) for part in error.absolute_path])
    for error in errors:
        print(f"at /{'/'.join(str(part) for part in error.absolute_path)}: {error.message}")
    if errors:
        sys.exit(1)
    print("valid")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
