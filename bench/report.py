#!/usr/bin/env python3
"""Turn bench/work/results/* (written by bench/run.sh) into bench/RESULTS.md.

    python3 bench/report.py RESULTS_DIR OUT.md BIN MIXED_DIR RELEVANT_DIR BENCH_DIR
"""

from __future__ import annotations

import json
import os
import re
import sys


def read_kv(path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            key, _, value = line.partition(" ")
            out[key] = value
    return out


def read_time_v(path: str) -> dict[str, float]:
    """Wall, user, sys (s) and peak RSS (KiB) from a `/usr/bin/time -v` file."""
    out: dict[str, float] = {}
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8", errors="replace"):
        key, _, value = line.strip().rpartition(": ")
        try:
            if key.startswith("Elapsed (wall clock) time"):
                secs = 0.0
                for part in value.split(":"):
                    secs = secs * 60 + float(part)
                out["wall"] = secs
            elif key == "User time (seconds)":
                out["user"] = float(value)
            elif key == "System time (seconds)":
                out["sys"] = float(value)
            elif key == "Maximum resident set size (kbytes)":
                out["rss"] = float(value)
        except ValueError:
            pass
    return out


def smoke_section(res: str, meta: dict[str, str], w) -> None:
    """The "Real libraries (smoke)" section from $RES/smoke.txt and $RES/smoke-ID.*."""
    w("## Real libraries (smoke)")
    w("")
    list_path = os.path.join(res, "smoke.txt")
    if not os.path.exists(list_path):
        w("Not run (`SKIP_SMOKE=1`, or run.sh had no binary).")
        w("")
        return
    limit = meta.get("smoke_timeout", "120")
    w(f"Not a timing: a smoke run of `s3-to-supabase --format json check` over real third-party code, which neither the bench corpora nor the tests (our own generated code) contain. One run per tree, then one over all of them together, each under `timeout {limit}` (`/usr/bin/time -v` around it). A timeout, an exit code other than 0/1/2 or a panic message on stderr makes run.sh print `!!! FAILED` and exit non-zero. The findings are not a judgement of these libraries: none of them is a backend to migrate; they show what the rules make of real code.")
    w("")
    wheels = meta.get("realworld_wheels", "").strip("; ")
    if wheels:
        w(f"Wheels (`pip download --no-deps --only-binary :all: --python-version 3.13 --platform any`, unpacked whole into `bench/work/realworld/trees/`), SHA-256: {wheels}.")
        w("")
    w("| Tree | `.py` files | lines | checked / failed / skipped | wall (s) | CPU user+sys (s) | peak RSS | exit | findings by rule |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    problems: list[str] = []
    for line in open(list_path, encoding="utf-8"):
        id_, _, label = line.rstrip("\n").partition("\t")
        base = os.path.join(res, "smoke-" + id_)
        size = open(base + ".size").read().split() if os.path.exists(base + ".size") else []
        lines, files = (f"{int(size[0]):,}", f"{int(size[2]):,}") if len(size) == 3 else ("?", "?")
        rc = open(base + ".rc").read().strip() if os.path.exists(base + ".rc") else "?"
        t = read_time_v(base + ".time")
        err = open(base + ".err", encoding="utf-8", errors="replace").read() if os.path.exists(base + ".err") else ""
        counts: dict[str, int] = {}
        summary = "?"
        try:
            with open(base + ".json", encoding="utf-8") as fh:
                report = json.load(fh)
            for f in report.get("findings", []):
                counts[f["rule"]] = counts.get(f["rule"], 0) + 1
            sm = report.get("summary", {})
            summary = f"{sm.get('scanned', '?'):,} / {sm.get('failed', '?')} / {sm.get('skipped', '?')}"
        except (OSError, ValueError, KeyError, TypeError):
            pass
        by_rule = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"
        if summary == "?":
            by_rule = "no JSON report"
        wall = f"{t['wall']:.2f}" if "wall" in t else "?"
        cpu = f"{t.get('user', 0) + t.get('sys', 0):.2f}" if "user" in t else "?"
        rss = f"{t['rss'] / 1024:.1f} MiB" if "rss" in t else "?"
        if rc in ("124", "137"):
            problems.append(f"{id_}: timed out after {limit} s")
            rc = f"**{rc} (timeout)**"
        elif rc not in ("0", "1", "2"):
            problems.append(f"{id_}: exit code {rc}")
            rc = f"**{rc}**"
        if "panicked at" in err:
            problems.append(f"{id_}: panic on stderr")
        w(f"| {label} | {files} | {lines} | {summary} | {wall} | {cpu} | {rss} | {rc} | {by_rule} |")
    w("")
    if problems:
        w(f"**FAILED**: {'; '.join(problems)} (stderr in `bench/work/results/smoke-ID.err`).")
    else:
        w(f"Every run ended within {limit} s with exit code 0, 1 or 2 and no panic.")
    w("")


def main() -> int:
    res, out_path, binary, mixed, relevant, bench = sys.argv[1:7]
    # Absolute: with a relative BENCH_DIR ("bench"), dirname() is "" and short() used to
    # replace the empty string, putting a "." between every character of each command.
    bench = os.path.abspath(bench)
    meta = read_kv(os.path.join(res, "meta.txt"))
    # The root the commands were run from (run.sh records it; results copied from another
    # clone keep that clone's paths), then this clone's root.
    repo_roots = [r.rstrip("/") for r in (meta.get("repo", ""), os.path.dirname(bench))]
    repo_roots = [r for i, r in enumerate(repo_roots) if r and r != "/" and r not in repo_roots[:i]]
    corpus = read_kv(os.path.join(res, "corpus.txt"))
    checks = read_kv(os.path.join(res, "checks.txt"))
    ours_ok = open(os.path.join(res, "ours-ok.txt")).read().strip() == "1" if os.path.exists(os.path.join(res, "ours-ok.txt")) else False

    def timing(id_: str):
        path = os.path.join(res, id_ + ".json")
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as fh:
            r = json.load(fh)["results"][0]
        codes = sorted(set(r.get("exit_codes") or []))
        cmd_path = os.path.join(res, id_ + ".cmd")
        command = open(cmd_path, encoding="utf-8").read().strip() if os.path.exists(cmd_path) else r["command"]
        return {"cpu": (r.get("user") or 0.0) + (r.get("system") or 0.0), "mean": r["mean"], "stddev": r.get("stddev") or 0.0, "min": r["min"], "max": r["max"], "runs": len(r["times"]), "command": command, "codes": codes}

    def rss(id_: str):
        path = os.path.join(res, id_ + ".rss")
        try:
            return int(open(path).read().strip())
        except (OSError, ValueError):
            return None

    def short(cmd: str) -> str:
        """The command with paths below the repository root made relative to it."""
        for root in repo_roots:
            # root/x -> x, a bare root -> "."; never a longer name that starts with root.
            cmd = re.sub(r"(?<![\w./-])" + re.escape(root) + r"(/|(?=[\s'\";|&<>)]|$))", lambda m: "" if m.group(1) else ".", cmd)
        return cmd

    def size(key: str) -> str:
        v = corpus.get(key, "").split()
        if len(v) != 3:
            return "?"
        files, lines, nbytes = (int(x) for x in v)
        return f"{files:,} files, {lines:,} lines, {nbytes / 1e6:.1f} MB"

    rows = [
        ("ours-check", "s3-to-supabase check"),
        ("ours-diff", "s3-to-supabase diff"),
        ("ours-apply", "s3-to-supabase apply (fresh copy each run)"),
        ("rg", "rg -c (I/O floor)"),
        ("ruff-e9", "ruff check --select E9 (parse-only floor)"),
        ("astgrep-scan", "ast-grep scan (find literal)"),
        ("astgrep-fix", "ast-grep scan --update-all (fix literal, fresh copy)"),
        ("libcst", "LibCST codemod -j 2 (1 run, fresh copy)"),
    ]

    L: list[str] = []
    w = L.append
    w("# s3-to-supabase benchmark results")
    w("")
    w("Generated by `bash bench/run.sh` (see bench/README.md); do not edit by hand.")
    w("")
    w(f"- Date (UTC): {meta.get('date', '?')}")
    w(f"- Machine: {meta.get('nproc', '?')} cores (`nproc`), {meta.get('cpu', '?')}, {meta.get('mem', '?')} RAM, Linux {meta.get('kernel', '?')}; load average when the report was written: {meta.get('load', '?')}")
    w(f"- s3-to-supabase {meta.get('ours', '?')}, built with `cargo build --release`; the timed binary is a copy of `target/release/s3-to-supabase` taken right after the build (bench/work/bin/), so rebuilds by others during the run do not change what is measured")
    w(f"- Peers: ripgrep {meta.get('rg', '?')}, ruff {meta.get('ruff', '?')}, ast-grep {meta.get('ast-grep', '?')}, LibCST {meta.get('libcst', '?')} (pins in bench/requirements.txt); hyperfine {meta.get('hyperfine', '?')}")
    rw = (meta.get("runs", "5 warmup 1").split() + ["?", "?", "?"])[:3]
    w(f"- hyperfine: `--warmup {rw[2]} --runs {rw[0]} -i` (exit code 1 = findings is expected), except the LibCST codemod: `--runs 1`")
    w("")
    w("## Corpora")
    w("")
    w(f"**Mixed** (`bench/work/corpus/`): {size('mixed')}.")
    w("")
    w(f"- CPython {meta.get('python', '?').split()[0]} standard library, every `.py` file of `{meta.get('stdlib', '?')}` except `site-packages/`, copied byte for byte (files that do not parse or are not UTF-8, e.g. lib2to3 test data and `test/tokenizedata/bad*.py`, are kept): {size('mixed_stdlib')}.")
    b = corpus.get("mixed_boto", "").split()
    if len(b) == 6:
        w(f"- boto3=={meta.get('boto', '?')} and botocore=={meta.get('boto', '?')}: the `.py` files of the wheels (`pip download --no-deps`): {int(b[0]) + int(b[3]):,} files, {int(b[1]) + int(b[4]):,} lines, {(int(b[2]) + int(b[5])) / 1e6:.1f} MB. Wheel SHA-256: {meta.get('wheels', '?').strip('; ')}.")
    w(f"- 20 generated LMS backends (`bench/gen_backend.py --seed 20240601 --backends 20`): {size('mixed_lms')}; {checks.get('mixed.rg_files_with_match', corpus.get('mixed_literal_files', '?'))} files mention `anantra-lms-store`.")
    w("")
    w(f"**All-relevant** (`bench/work/relevant/`): {size('relevant')}, 40 generated backends (`--mode relevant --seed 20240602 --backends 40 --files-per-backend 25`); every file contains the bucket literal, most also boto3 clients and `ClientError` handlers.")
    w("")

    def table(corpus_name: str, ids: list[tuple[str, str]]):
        base = timing(f"{corpus_name}-ours-check")
        w("| Tool | mean ± σ (s) | min (s) | CPU user+sys (s) | × `check` time | peak RSS |")
        w("| --- | --- | --- | --- | --- | --- |")
        for id_, label in ids:
            t = timing(f"{corpus_name}-{id_}")
            r = rss(f"{corpus_name}-{id_}")
            rs = f"{r / 1024:.1f} MiB" if r else "–"
            if t is None:
                note = "not measured yet" if id_.startswith("ours") else "not run"
                w(f"| {label} | {note} | | | | {rs} |")
                continue
            ratio = f"{t['mean'] / base['mean']:.2f}×" if base else "–"
            sd = f" ± {t['stddev']:.3f}" if t["runs"] > 1 else " (1 run)"
            w(f"| {label} | {t['mean']:.3f}{sd} | {t['min']:.3f} | {t['cpu']:.3f} | {ratio} | {rs} |")
        w("")
        w("Exact commands (paths relative to the repository root):")
        w("")
        for id_, label in ids:
            t = timing(f"{corpus_name}-{id_}")
            if t:
                codes = ", ".join(str(c) for c in t["codes"])
                w(f"- {label}: `{short(t['command'])}` (exit codes: {codes})")
        w("")

    w("## Results: mixed corpus")
    w("")
    table("mixed", rows)
    w("## Results: all-relevant corpus")
    w("")
    table("relevant", [r for r in rows if r[0] != "libcst"])

    w("Ratios are mean wall time of the tool divided by mean wall time of `s3-to-supabase check` on the same corpus (below 1 = faster than `check`). CPU is the mean user+system time hyperfine measured (less sensitive than wall time to other load on the machine). Peak RSS is `/usr/bin/time -v` \"Maximum resident set size\" of one separate run (for the LibCST run: of its largest process).")
    w("")

    # ------------------------------------------------------------------ targets
    w("## Targets")
    w("")

    def mean(id_):
        t = timing(id_)
        return t["mean"] if t else None

    def cpu(id_):
        t = timing(id_)
        return t["cpu"] if t else None

    def cpu_note(a, b, invert=False):
        ca, cb = cpu(a), cpu(b)
        if not ca or not cb:
            return ""
        return f"; by CPU time {cb / ca:.1f}× faster" if invert else f"; by CPU time {ca / cb:.2f}×"

    def verdict(ok):
        return "**met**" if ok else "**not met**"

    m_check, m_rg, m_sg = mean("mixed-ours-check"), mean("mixed-rg"), mean("mixed-astgrep-scan")
    r_check, r_ruff = mean("relevant-ours-check"), mean("relevant-ruff-e9")
    m_apply, m_libcst = mean("mixed-ours-apply"), mean("mixed-libcst")
    targets = []
    if m_check and m_rg:
        x = m_check / m_rg
        targets.append(f"- Mixed corpus: `check` within 5× of `rg`: check takes {x:.2f}× rg's time ({m_check:.3f} s vs {m_rg:.3f} s{cpu_note('mixed-ours-check', 'mixed-rg')}): {verdict(x <= 5)}")
    else:
        targets.append("- Mixed corpus: `check` within 5× of `rg`: not measured yet")
    if m_check and m_sg:
        x = m_sg / m_check
        targets.append(f"- Mixed corpus: `check` ≥ 20× faster than `ast-grep scan`: {x:.1f}× faster ({m_check:.3f} s vs {m_sg:.3f} s{cpu_note('mixed-ours-check', 'mixed-astgrep-scan', True)}): {verdict(x >= 20)}")
    else:
        targets.append("- Mixed corpus: `check` ≥ 20× faster than `ast-grep scan`: not measured yet")
    if r_check and r_ruff:
        x = r_check / r_ruff
        targets.append(f"- All-relevant corpus: `check` within 1.3× of `ruff check --select E9`: check takes {x:.2f}× ruff's time ({r_check:.3f} s vs {r_ruff:.3f} s{cpu_note('relevant-ours-check', 'relevant-ruff-e9')}): {verdict(x <= 1.3)}")
    else:
        targets.append("- All-relevant corpus: `check` within 1.3× of `ruff check --select E9`: not measured yet")
    r_apply = mean("relevant-ours-apply")
    if r_apply and r_check:
        x = r_apply / r_check
        targets.append(f"- All-relevant corpus: `apply` within 3× of `check`: apply takes {x:.2f}× check's time ({r_apply:.3f} s vs {r_check:.3f} s{cpu_note('relevant-ours-apply', 'relevant-ours-check')}): {verdict(x <= 3)}")
    else:
        targets.append("- All-relevant corpus: `apply` within 3× of `check`: not measured yet")
    if m_apply and m_libcst:
        x = m_libcst / m_apply
        targets.append(f"- Mixed corpus: `apply` ≥ 500× faster than the LibCST codemod: {x:.0f}× faster ({m_apply:.3f} s vs {m_libcst:.1f} s, one LibCST run{cpu_note('mixed-ours-apply', 'mixed-libcst', True)}): {verdict(x >= 500)}")
    else:
        targets.append("- Mixed corpus: `apply` ≥ 500× faster than the LibCST codemod: not measured in this run (`SKIP_LIBCST=1` with no earlier result kept in bench/work; the codemod takes ~25 min): the last measurement is in this file's git history")
    peaks = {k: rss(k) for k in ("mixed-ours-check", "mixed-ours-diff", "mixed-ours-apply", "relevant-ours-check", "relevant-ours-diff", "relevant-ours-apply")}
    peaks = {k: v for k, v in peaks.items() if v}
    if peaks:
        worst_k = max(peaks, key=peaks.get)
        mb = peaks[worst_k] * 1024 / 1e6
        targets.append(f"- Peak memory < 150 MB (check/diff/apply, both corpora): highest is {mb:.1f} MB ({peaks[worst_k] / 1024:.1f} MiB, {worst_k}): {verdict(mb < 150)}")
    else:
        targets.append("- Peak memory < 150 MB: not measured yet")
    L.extend(targets)
    w("")
    w("Verdicts use mean wall time, as the targets are stated; the CPU-time ratios beside them show how much of a gap is the machine's other load.")
    w("")
    if not ours_ok:
        w("> s3-to-supabase rows are \"not measured yet\": when run.sh ran, `target/release/s3-to-supabase check` did not build or did not report findings on the all-relevant corpus. Re-run `bash bench/run.sh` (`SKIP_LIBCST=1` keeps the earlier LibCST number).")
        w("")

    # ------------------------------------------------------------------ checks
    w("## What each tool saw and did")
    w("")
    w("Counted by run.sh after the timings (not timed). \"Quoted literals\" counts `\"anantra-lms-store\"` / `'anantra-lms-store'` occurrences with rg (f-strings, comments and longer strings such as `anantra-lms-store-archive` are not counted).")
    w("")
    w("| Check | mixed | all-relevant |")
    w("| --- | --- | --- |")
    keys = [
        ("quoted_literals_before", "quoted literals in the corpus"),
        ("rg_files_with_match", "files rg counts a match in (any mention)"),
        ("ruff_files_seen", "files ruff checks (`--show-files`)"),
        ("ruff_e9_errors", "ruff E9 diagnostics"),
        ("ruff_e9_files", "files with a ruff E9 diagnostic (do not parse / not UTF-8)"),
        ("ours_check_summary", "s3-to-supabase check summary line"),
        ("ours_check_exit", "s3-to-supabase check exit code"),
        ("ours_hardcoded_bucket_findings", "s3-to-supabase hardcoded-bucket findings"),
        ("ours_apply_changed_files", "files changed by s3-to-supabase apply"),
        ("ours_apply_changed_outside_lms", "… of which outside the generated backends (stdlib, boto3, botocore)"),
        ("ours_apply_literals_left", "quoted literals left after apply"),
        ("ours_apply_missing_import", "files using `s3_utils.SUPABASE_BUCKET_NAME` without importing `s3_utils`, after apply"),
        ("ours_apply_ruff_e9_files_after", "files with a ruff E9 diagnostic after apply"),
        ("astgrep_matches", "ast-grep rule matches"),
        ("astgrep_fix_changed_files", "files changed by ast-grep --update-all"),
        ("astgrep_fix_literals_left", "quoted literals left after ast-grep --update-all"),
        ("astgrep_fix_missing_import", "files using `s3_utils.SUPABASE_BUCKET_NAME` without importing `s3_utils`, after ast-grep"),
        ("libcst_changed_files", "files changed by the LibCST codemod"),
        ("libcst_changed_outside_lms", "… of which outside the generated backends"),
        ("libcst_literals_left", "quoted literals left after the LibCST codemod"),
        ("libcst_missing_import", "files using `s3_utils.SUPABASE_BUCKET_NAME` without importing `s3_utils`, after LibCST"),
        ("libcst_summary", "LibCST summary"),
    ]
    for k, label in keys:
        a, b2 = checks.get(f"mixed.{k}"), checks.get(f"relevant.{k}")
        if a is None and b2 is None:
            continue
        w(f"| {label} | {a if a is not None else '–'} | {b2 if b2 is not None else '–'} |")
    w("")
    smoke_section(res, meta, w)
    notes_path = os.path.join(bench, "NOTES.md")
    if os.path.exists(notes_path):
        w("## Observations (hand-written in bench/NOTES.md; may predate this run)")
        w("")
        w(open(notes_path, encoding="utf-8").read().strip())
        w("")
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(L) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
