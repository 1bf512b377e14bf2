#!/usr/bin/env python3
"""Scaling of `s3-to-supabase check` with the inputs issue 12 found super-linear.

    python3 bench/scaling.py [BIN] [OUT.md]

Defaults: target/release/s3-to-supabase and bench/SCALING.md. Each input is built in
bench/work/scaling/ at 1x, 4x and 16x and checked once; the table lists wall time,
CPU time (user+sys) and peak resident memory (wait4's ru_maxrss), and the 16x/1x
ratio of each: about 16 is linear, about 256 quadratic. A run whose memory passes
RSS_LIMIT is killed and shown as such, so a quadratic case cannot take the machine.
Not a test: CI never runs it; one run per cell, on whatever machine load there is
(the load average is recorded).
"""

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work", "scaling")
BUCKET = "anantra-lms-store"
SCALES = (1, 4, 16)
RSS_LIMIT_KIB = 6 << 20

HANDLER = '''
def read_{i}(key):
    try:
        return s3_client.get_object(Bucket="{bucket}", Key=key)["Body"].read()
    except ClientError as e:
        if e.response["Error"]["Code"] == "NoSuchKey":
            return None
        raise
'''

ROUTE = '''"""Routes for course {i}."""
from flask import Blueprint
from utils import s3_utils

bp_{i} = Blueprint("r{i}", __name__)
BUCKET = "{bucket}"


@bp_{i}.route("/course/{i}")
def handler(course_id):
    data = s3_utils.read_text_file_from_s3("{bucket}", f"courses/{{course_id}}/{i}.json")
    keep = "{bucket}-backup"  # look-alike {i}
    return {{"data": data, "keep": keep}}
'''


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def handlers_file(n):
    """One module with `n` ClientError handlers (2,500 are about 540 KB)."""
    path = os.path.join(WORK, f"handlers-{n}", "store.py")
    head = "import boto3\nfrom botocore.exceptions import ClientError\n\ns3_client = boto3.client(\"s3\")\n"
    write(path, head + "".join(HANDLER.format(i=i, bucket=BUCKET) for i in range(n)))
    return ["check", path], path


def literals(n, separator, name):
    """`n` bucket literals in one list, on one line or one a line."""
    path = os.path.join(WORK, f"{name}-{n}", "buckets.py")
    write(path, "BUCKETS = [" + separator.join(f'"{BUCKET}"' for _ in range(n)) + "]\n")
    return ["check", path], path


def config_names(n, files=3080):
    """`files` route modules checked against a configuration listing `n` bucket names."""
    tree = os.path.join(WORK, "tree")
    if not os.path.exists(os.path.join(tree, "done")):
        for i in range(files):
            write(os.path.join(tree, "backend", "routes", f"pkg{i // 100}", f"mod_{i}.py"), ROUTE.format(i=i, bucket=BUCKET))
        write(os.path.join(tree, "done"), "")
    config = os.path.join(WORK, f"names-{n}.toml")
    names = [BUCKET] + [f"course-bucket-{i:05d}" for i in range(n - 1)]
    write(config, "[buckets]\nnames = [\n" + "".join(f'    "{name}",\n' for name in names) + "]\n")
    return ["check", "--config", config, os.path.join(tree, "backend")], config


INPUTS = [
    # From 2,500: below that start-up hides the slope, and 40,000 is where a per-handler
    # scan of every handler showed (10,000 to 40,000 took 10x before the range sets).
    ("`ClientError` handlers in one file", lambda s: handlers_file(2500 * s), lambda s: f"{2500 * s:,} handlers"),
    ("bucket literals on one line", lambda s: literals(6250 * s, ", ", "one-line"), lambda s: f"{6250 * s:,} literals"),
    ("bucket literals, one a line", lambda s: literals(6250 * s, ",\n    ", "per-line"), lambda s: f"{6250 * s:,} literals"),
    ("bucket names in the config (3,080 files)", lambda s: config_names(625 * s), lambda s: f"{625 * s:,} names"),
]


def measure(binary, args):
    """Wall s, CPU s, peak RSS KiB and exit code of one run; None for RSS if killed."""
    start = time.monotonic()
    child = subprocess.Popen([binary, "--quiet", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = False
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        try:
            with open(f"/proc/{child.pid}/status") as fh:
                rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            rss = 0
        if rss > RSS_LIMIT_KIB:
            os.kill(child.pid, signal.SIGKILL)
            killed = True
        time.sleep(0.01)
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, None if killed else usage.ru_maxrss, code


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "s3-to-supabase")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "bench", "SCALING.md")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
    load_before = os.getloadavg()
    rows = []
    for title, build, label in INPUTS:
        cells = []
        for scale in SCALES:
            args, path = build(scale)
            size = os.path.getsize(path)
            wall, cpu, rss, code = measure(binary, args)
            cells.append((scale, label(scale), size, wall, cpu, rss, code))
            print(f"{title} {scale}x: {wall:.2f} s wall, {cpu:.2f} s CPU, {rss} KiB, exit {code}", file=sys.stderr)
        rows.append((title, cells))
    load_after = os.getloadavg()

    lines = [
        "# Scaling of `check` (issue 12)",
        "",
        "Generated by `python3 bench/scaling.py` (see its docstring); do not edit by hand.",
        "",
        f"- Date (UTC): {datetime.now(timezone.utc):%Y-%m-%dT%H:%MZ}; {version} (git {commit})",
        f"- Machine: {os.cpu_count()} cores; load average before {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {' '.join(f'{x:.2f}' for x in load_after)} (the machine is shared: wall times include waiting for a core; CPU time does not)",
        "- One run per cell. Linear: a 16x input costs about 16x (less where start-up dominates); quadratic: about 256x.",
        "",
        "| input | scale | size | wall (s) | CPU (s) | peak RSS (MiB) | exit |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for title, cells in rows:
        for scale, what, size, wall, cpu, rss, code in cells:
            memory = f"killed above {RSS_LIMIT_KIB >> 10:,}" if rss is None else f"{rss / 1024:.1f}"
            lines.append(f"| {title} | {scale}x: {what} | {size / 1e6:.2f} MB | {wall:.2f} | {cpu:.2f} | {memory} | {code} |")
    lines += ["", "| input | 16x/1x wall | 16x/1x CPU | 16x/1x peak RSS |", "| --- | --- | --- | --- |"]
    for title, cells in rows:
        first, last = cells[0], cells[-1]
        memory = "n/a" if first[5] is None or last[5] is None else f"{last[5] / first[5]:.1f}x"
        lines.append(f"| {title} | {last[3] / first[3]:.1f}x | {last[4] / max(first[4], 1e-3):.1f}x | {memory} |")
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
