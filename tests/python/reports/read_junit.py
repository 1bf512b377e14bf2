"""Read a JUnit XML report with junitparser (a consumer of the format, pinned in the venv)
and print what a CI test-report view would show.

Usage: read_junit.py REPORT.xml

The standard library's XML parser reads it first (a malformed document is an error, and
the root must be <testsuites>); then junitparser reads it. Every count attribute must
equal what junitparser recounts from the cases (`update_statistics`), every case must
carry `name` and `classname`, and every <failure>/<error> a `message` and a `type`.
Prints one line per suite, `suite NAME tests=N failures=N errors=N`, then one per case,
`  NAME: passed|failure|error`. Exit 1 with one line on any inconsistency.
"""

import sys
import xml.etree.ElementTree as ET

from junitparser import Error, Failure, JUnitXml


def fail(message):
    print(f"inconsistent report: {message}")
    sys.exit(1)


def outcome(case):
    kinds = {type(result) for result in case.result}
    for result in case.result:
        if not result.message or not result.type:
            fail(f"{case.name}: a <{type(result).__name__.lower()}> without message or type")
    if Failure in kinds:
        return "failure"
    if Error in kinds:
        return "error"
    return "passed"


def counts(element):
    return (element.tests, element.failures, element.errors)


def main(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        fail(f"root element is <{root.tag}>, not <testsuites>")
    report = JUnitXml.fromfile(path)
    declared = counts(report)
    for suite in report:
        stated = counts(suite)
        suite.update_statistics()
        if counts(suite) != stated:
            fail(f"suite {suite.name}: tests/failures/errors {stated} but {counts(suite)} counted")
        print(f"suite {suite.name} tests={suite.tests} failures={suite.failures} errors={suite.errors}")
        for case in suite:
            if not case.name or not case.classname:
                fail(f"a test case in {suite.name} lacks name or classname")
            print(f"  {case.name}: {outcome(case)}")
    report.update_statistics()
    if counts(report) != declared:
        fail(f"<testsuites> tests/failures/errors {declared} but {counts(report)} counted")


if __name__ == "__main__":
    main(sys.argv[1])
