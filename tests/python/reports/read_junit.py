"""Read a JUnit XML report as CI systems do and print what they would show.

Usage: read_junit.py REPORT.xml

Parses the document with the standard library's XML parser (a malformed document is an
error), checks that every count attribute agrees with the elements it counts and that
every test case carries the attributes JUnit consumers key on (`name`, `classname`), and
prints one line per suite: `suite NAME tests=N failures=N errors=N`, then one line per
case: `  NAME: passed|failure|error`. Exit 1 with one line on any inconsistency.
"""

import sys
import xml.etree.ElementTree as ET


def fail(message):
    print(f"inconsistent report: {message}")
    sys.exit(1)


def outcome(case):
    if case.find("failure") is not None:
        return "failure"
    if case.find("error") is not None:
        return "error"
    return "passed"


def main(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail(f"root element is <{root.tag}>, not <testsuites>")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(outcome(case) == "failure" for case in cases),
            "errors": sum(outcome(case) == "error" for case in cases),
        }
        for key, value in counts.items():
            if int(suite.get(key, "-1")) != value:
                fail(f"suite {suite.get('name')}: {key}={suite.get(key)} but {value} counted")
            totals[key] += value
        print(f"suite {suite.get('name')} tests={counts['tests']} failures={counts['failures']} errors={counts['errors']}")
        for case in cases:
            if not case.get("name") or not case.get("classname"):
                fail(f"a test case in {suite.get('name')} lacks name or classname")
            print(f"  {case.get('name')}: {outcome(case)}")
    for key, value in totals.items():
        if int(root.get(key, "-1")) != value:
            fail(f"<testsuites> {key}={root.get(key)} but {value} counted")


if __name__ == "__main__":
    main(sys.argv[1])
