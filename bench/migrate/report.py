"""Turns bench/work/migrate (written by bench/migrate/run.sh) into the migrate-data section of
bench/RESULTS.md: throughput of each tool, the ratios the issue sets as targets, peak RSS and
the Storage server's CPU seconds per run.

Usage: report.py WORK SMALL LARGE JOBS > section.md
"""

import json
import os
import sys


def main():
    work, small, large, jobs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    sizes = {"small": (small, small * 4096), "large": (large, large * 20 * 1024 * 1024)}
    runs = {}
    for name in sorted(os.listdir(work)):
        if name.endswith(".time"):
            wall, rss = open(os.path.join(work, name)).read().split()[-2:]
            runs[name[: -len(".time")]] = (float(wall), int(rss))
    cpu = {name[: -len(".cpu")]: float(open(os.path.join(work, name)).read()) for name in os.listdir(work) if name.endswith(".cpu")}
    ceiling = json.load(open(os.path.join(work, "ceiling.json")))
    up, down = ceiling["uploads_per_s"], ceiling["downloads_per_s"]
    combined = 1 / (1 / up + 1 / down)
    failures = open(os.path.join(work, "failures")).read() if os.path.exists(os.path.join(work, "failures")) else ""
    load = open(os.path.join(work, "load")).read().strip().replace("\n", "; ")

    def rate(run, workload):
        wall, rss = runs[f"{run}-{workload}"]
        count, total = sizes[workload]
        return count / wall, total / wall / 1e6, wall, rss

    out = []
    out.append(f"Workloads: {small} objects of 4 KiB, {large} objects of 20 MiB; {jobs} in flight for every tool. {load}.")
    out.append("")
    out.append(f"Server ceiling (raw 4 KiB requests, 16 in flight, Python httpx): {up:.0f} uploads/s, {down:.0f} downloads/s; "
               f"one upload plus one read-back each: {combined:.0f} objects/s.")
    large_ceiling = json.load(open(os.path.join(work, "ceiling-large.json")))
    tus, standard = large_ceiling["tus_mb_per_s"], large_ceiling["standard_mb_per_s"]
    out.append(f"Server ceiling for 20 MiB objects (from memory, 16 in flight, Python httpx): {tus:.1f} MB/s by resumable upload in "
               f"6 MiB PATCHes, {standard:.1f} MB/s by standard upload (server CPU for both together: {cpu['ceiling-large']:.1f} s).")
    out.append("")
    out.append("| tool | workload | wall s | objects/s | MB/s | peak RSS MB | server CPU s |")
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for workload in ("small", "large"):
        for run, label in (("ours-size", "migrate-data --verify size"), ("ours-full", "migrate-data --verify full"),
                           ("rclone", "rclone copy (S3 endpoint)"), ("script", "boto3 + supabase-py script")):
            if f"{run}-{workload}" in runs:
                objects, mbs, wall, rss = rate(run, workload)
                out.append(f"| {label} | {workload} | {wall:.1f} | {objects:.0f} | {mbs:.1f} | {rss / 1024:.0f} | {cpu.get(f'{run}-{workload}', 0):.1f} |")
    out.append("")
    size_small = rate("ours-size", "small")[0]
    full_small = rate("ours-full", "small")[0]
    size_large = rate("ours-size", "large")[1]
    rclone_large = rate("rclone", "large")[1]
    peak = max(rss for name, (_, rss) in runs.items() if name.startswith("ours")) / 1024
    out.append("| target | measured | met |")
    out.append("|---|---|---|")
    out.append(f"| `--verify size`, small: ≥ 90% of the upload ceiling | {size_small / up:.0%} ({size_small:.0f} vs {up:.0f}/s) | {'yes' if size_small >= 0.9 * up else 'no'} |")
    out.append(f"| `--verify size`, large: ≥ rclone's MB/s | {size_large / rclone_large:.2f}× ({size_large:.1f} vs {rclone_large:.1f} MB/s) | {'yes' if size_large >= rclone_large else 'no'} |")
    out.append(f"| (context) `--verify size`, large, against the server's own 6 MiB TUS ceiling | {size_large / tus:.0%} ({size_large:.1f} vs {tus:.1f} MB/s) | – |")
    out.append(f"| `--verify full`, small: ≥ 90% of the combined ceiling | {full_small / combined:.0%} ({full_small:.0f} vs {combined:.0f}/s) | {'yes' if full_small >= 0.9 * combined else 'no'} |")
    out.append(f"| peak RSS < 100 MB at --jobs {jobs} | {peak:.0f} MB | {'yes' if peak < 100 else 'no'} |")
    if failures:
        out.append("")
        out.append(f"Runs that exited non-zero: `{failures.strip()}`")
    print("\n".join(out))


if __name__ == "__main__":
    main()
