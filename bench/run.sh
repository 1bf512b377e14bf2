#!/usr/bin/env bash
# Reproducible benchmark of s3-to-supabase against its peers (rg, ruff, ast-grep, LibCST).
# Not a test: CI never runs it. See bench/README.md.
#
#   bash bench/run.sh                 # everything (the LibCST codemod alone takes tens of minutes)
#   SKIP_LIBCST=1 bash bench/run.sh   # reuse the LibCST result of an earlier run, if any
#   SKIP_BUILD=1 bash bench/run.sh    # do not run `cargo build --release`
#   SKIP_TIMINGS=1 bash bench/run.sh  # keep the earlier hyperfine results of everything but LibCST
#   CORPUS_ONLY=1 bash bench/run.sh   # stop after installing the peers and building the corpora
#   SKIP_SMOKE=1 bash bench/run.sh    # no real-libraries smoke run (SMOKE_TIMEOUT=120 s per run by default)
#   RUNS=5 WARMUP=1                   # hyperfine settings (defaults shown)
#
# Re-running is safe: the venv, the downloads and the corpora are rebuilt only
# when their inputs (pins, Python version, generator, seeds) change.
# Exits non-zero, with a "!!! FAILED" line, when the real-libraries smoke run times out or crashes.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
W=$BENCH/work
RES=$W/results
VENV=$W/venv
BUILT=$REPO/target/release/s3-to-supabase
BIN=$W/bin/s3-to-supabase   # snapshot of $BUILT: others may rebuild target/ while we measure

PY_PREFIX=${PY_PREFIX:-/root/.pyenv/versions/3.11.7}
PY=$PY_PREFIX/bin/python3.11
STDLIB=$PY_PREFIX/lib/python3.11
BOTO_VERSION=1.44.8
MIXED_SEED=20240601
MIXED_BACKENDS=20
RELEVANT_SEED=20240602
RELEVANT_BACKENDS=40
RELEVANT_FILES_PER_BACKEND=25
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}

MIXED=$W/corpus
RELEVANT=$W/relevant

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$W" "$RES"

# ---------------------------------------------------------------- 1. tools
log "system tools"
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
command -v rg >/dev/null || need_apt+=(ripgrep)
[ -x /usr/bin/time ] || need_apt+=(time)
command -v unzip >/dev/null || need_apt+=(unzip)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
[ -x "$PY" ] || die "$PY not found (set PY_PREFIX to a CPython 3.11 install)"

log "python peers (bench/requirements.txt)"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
pins_installed() {
    local frozen pin
    frozen=$("$VENV/bin/pip" freeze 2>/dev/null)
    while IFS= read -r pin; do
        case $pin in ''|'#'*) continue ;; esac
        grep -qixF "$pin" <<<"$frozen" || return 1
    done < "$BENCH/requirements.txt"
}
if ! pins_installed; then
    while IFS= read -r pin; do
        case $pin in ''|'#'*) continue ;; esac
        name=${pin%%==*}; ver=${pin##*==}
        avail=$("$VENV/bin/pip" index versions "$name" 2>/dev/null || true)
        grep -q "[ ,]$ver\(,\|\$\)" <<<"$avail" \
            || die "pinned $name==$ver is not available from the package index"
    done < "$BENCH/requirements.txt"
    "$VENV/bin/pip" install -q -r "$BENCH/requirements.txt"
fi
RUFF=$VENV/bin/ruff
SG=$VENV/bin/ast-grep
export PATH=$VENV/bin:$PATH

# ---------------------------------------------------------------- 2-3. corpora
PY_VERSION=$("$PY" -c 'import sys; print(sys.version.split()[0])')
GEN_SHA=$(sha256sum "$BENCH/gen_backend.py" | cut -c1-16)
STAMP="python=$PY_VERSION stdlib=$STDLIB boto=$BOTO_VERSION gen=$GEN_SHA mixed=$MIXED_SEED/$MIXED_BACKENDS relevant=$RELEVANT_SEED/$RELEVANT_BACKENDS/$RELEVANT_FILES_PER_BACKEND"

if [ "$(cat "$W/corpus.stamp" 2>/dev/null)" != "$STAMP" ]; then
    log "building corpora"
    rm -rf "$MIXED" "$RELEVANT" "$W/corpus.stamp"
    mkdir -p "$MIXED/cpython-$PY_VERSION-stdlib" "$W/dl"
    # Every .py file of the standard library, byte for byte (no filtering of files that
    # do not parse or are not UTF-8: lib2to3 test data, bad_coding*.py, ... stay in).
    (cd "$STDLIB" && find . -path ./site-packages -prune -o -type f -name '*.py' -print0 \
        | xargs -0 cp --parents -t "$MIXED/cpython-$PY_VERSION-stdlib")
    "$VENV/bin/pip" download -q --no-deps -d "$W/dl" "boto3==$BOTO_VERSION" "botocore==$BOTO_VERSION"
    for pkg in boto3 botocore; do
        whl=$(ls "$W/dl/$pkg-$BOTO_VERSION-"*.whl)
        mkdir -p "$MIXED/$pkg-$BOTO_VERSION"
        unzip -q -o "$whl" '*.py' -d "$MIXED/$pkg-$BOTO_VERSION"
    done
    "$PY" "$BENCH/gen_backend.py" --out "$MIXED/lms" --seed "$MIXED_SEED" --backends "$MIXED_BACKENDS"
    "$PY" "$BENCH/gen_backend.py" --out "$RELEVANT" --mode relevant --seed "$RELEVANT_SEED" \
        --backends "$RELEVANT_BACKENDS" --files-per-backend "$RELEVANT_FILES_PER_BACKEND"
    echo "$STAMP" > "$W/corpus.stamp"
fi

# ---------------------------------------------------------------- 3b. real libraries (smoke)
# Pinned pure-Python wheels of real third-party libraries, unpacked whole, for the smoke
# run of `check` (section 4b). Rebuilt only when the pins change (realworld.stamp).
# Wheels for any platform and Python 3.13, so the same files come down on any machine
# (Django 6 needs Python >= 3.12; the files are only parsed, never imported).
REALWORLD=$W/realworld
REALWORLD_PINS=(s3transfer==0.19.3 moto==5.2.5 django-storages==1.14.6 smart-open==9.0.2 django==6.1.3 sqlalchemy==2.1.9)
REALWORLD_PIP=(--no-deps --only-binary :all: --python-version 3.13 --platform any --implementation py --abi none)
RW_STAMP="pins=${REALWORLD_PINS[*]} pip=${REALWORLD_PIP[*]}"
if [ "$(cat "$W/realworld.stamp" 2>/dev/null)" != "$RW_STAMP" ]; then
    log "downloading the real-libraries smoke corpus"
    rm -rf "$REALWORLD" "$W/realworld.stamp"
    mkdir -p "$REALWORLD/dl" "$REALWORLD/trees"
    for pin in "${REALWORLD_PINS[@]}"; do
        name=${pin%%==*}
        "$VENV/bin/pip" download -q "${REALWORLD_PIP[@]}" -d "$REALWORLD/dl/$name" "$pin" \
            || die "cannot download $pin (pure-Python wheel) from the package index"
        whl=$(ls "$REALWORLD/dl/$name/"*.whl)
        unzip -q -o "$whl" -d "$REALWORLD/trees/$(basename "$whl" .whl | cut -d- -f1-2)"
    done
    echo "$RW_STAMP" > "$W/realworld.stamp"
fi

corpus_size() {  # files lines bytes
    local files lines bytes
    files=$(find "$1" -type f -name '*.py' | wc -l)
    lines=$(find "$1" -type f -name '*.py' -print0 | xargs -0 cat | wc -l)
    bytes=$(find "$1" -type f -name '*.py' -print0 | xargs -0 cat | wc -c)
    echo "$files $lines $bytes"
}
{
    echo "mixed $(corpus_size "$MIXED")"
    echo "mixed_stdlib $(corpus_size "$MIXED/cpython-$PY_VERSION-stdlib")"
    echo "mixed_boto $(corpus_size "$MIXED/boto3-$BOTO_VERSION") $(corpus_size "$MIXED/botocore-$BOTO_VERSION")"
    echo "mixed_lms $(corpus_size "$MIXED/lms")"
    echo "relevant $(corpus_size "$RELEVANT")"
    echo "mixed_literal_files $(rg -l --no-ignore -g '*.py' anantra-lms-store "$MIXED" | wc -l)"
    echo "relevant_literal_files $(rg -l --no-ignore -g '*.py' anantra-lms-store "$RELEVANT" | wc -l)"
} > "$RES/corpus.txt"
log "corpus sizes (files lines bytes)"
awk '{ if (NF == 4) printf "%-14s %6d files %9d lines %6.1f MB\n", $1, $2, $3, $4/1e6; else print }' "$RES/corpus.txt" >&2
[ "${CORPUS_ONLY:-0}" = 1 ] && exit 0

# ---------------------------------------------------------------- our binary
OURS=0
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "cargo build --release"
    (cd "$REPO" && cargo build --release) || echo "warning: cargo build --release failed" >&2
fi
if [ "${SKIP_TIMINGS:-0}" = 1 ] && [ -x "$BIN" ]; then
    echo "SKIP_TIMINGS=1: keeping the binary the earlier timings used ($BIN)" >&2
else
    rm -f "$BIN" "$BIN.info"
    if [ -x "$BUILT" ]; then
        mkdir -p "$W/bin" && cp "$BUILT" "$BIN"
        echo "$("$BIN" --version | awk '{print $2}'), sha256 $(sha256sum "$BIN" | cut -c1-16) (git $(cd "$REPO" && git rev-parse --short HEAD)$(cd "$REPO" && git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ', with uncommitted changes in src'))" > "$BIN.info"
    fi
fi
if [ -x "$BIN" ]; then
    set +e
    "$BIN" check "$RELEVANT" > "$RES/ours-probe.txt" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 1 ] && grep -q anantra-lms-store "$RES/ours-probe.txt"; then
        OURS=1
    else
        echo "warning: $BIN check exited $rc without findings; its rows are not measured" >&2
    fi
fi
echo "$OURS" > "$RES/ours-ok.txt"

# ---------------------------------------------------------------- 4. timings
# bench ID NAME RUNS WARMUP PREPARE COMMAND
bench() {
    local id=$1 name=$2 runs=$3 warmup=$4 prep=$5 cmd=$6
    local args=(--runs "$runs" --warmup "$warmup" -i --style basic --export-json "$RES/$id.json" -n "$name")
    [ -n "$prep" ] && args+=(--prepare "$prep")
    log "$id: $cmd"
    printf '%s\n' "$cmd" > "$RES/$id.cmd"
    hyperfine "${args[@]}" "$cmd" >&2
}
fresh() { echo "rm -rf '$2' && cp -r '$1' '$2'"; }  # prepare command: fresh copy of corpus $1 at $2

for corpus in mixed relevant; do
    [ "${SKIP_TIMINGS:-0}" = 1 ] && break
    if [ $corpus = mixed ]; then C=$MIXED; else C=$RELEVANT; fi
    COPY=$W/copy-$corpus
    if [ $OURS = 1 ]; then
        bench "$corpus-ours-check" "s3-to-supabase check" "$RUNS" "$WARMUP" "" "'$BIN' check '$C'"
        bench "$corpus-ours-diff" "s3-to-supabase diff" "$RUNS" "$WARMUP" "" "'$BIN' diff '$C' > /dev/null"
        bench "$corpus-ours-apply" "s3-to-supabase apply" "$RUNS" "$WARMUP" "$(fresh "$C" "$COPY-ours")" "'$BIN' apply '$COPY-ours'"
    fi
    bench "$corpus-rg" "rg -c anantra-lms-store" "$RUNS" "$WARMUP" "" "rg -c anantra-lms-store '$C'"
    bench "$corpus-ruff-e9" "ruff check --select E9" "$RUNS" "$WARMUP" "" "'$RUFF' check --isolated --select E9 --no-cache '$C'"
    bench "$corpus-astgrep-scan" "ast-grep scan (find)" "$RUNS" "$WARMUP" "" "'$SG' scan -r '$BENCH/ast-grep/bucket-literal.yml' '$C'"
    bench "$corpus-astgrep-fix" "ast-grep scan --update-all (fix)" "$RUNS" "$WARMUP" "$(fresh "$C" "$COPY-astgrep")" "'$SG' scan -r '$BENCH/ast-grep/bucket-literal-fix.yml' --update-all '$COPY-astgrep'"
done

if [ "${SKIP_LIBCST:-0}" != 1 ]; then
    # One run only: it takes tens of minutes on two cores. libcst.tool reads its
    # config from the working directory; formatting is off (no black needed).
    mkdir -p "$W/libcst"
    cat > "$W/libcst/.libcst.codemod.yaml" <<'EOF'
generated_code_marker: '@generated'
formatter: []
blacklisted_patterns: []
modules: []
repo_root: '.'
EOF
    log "mixed-libcst (one run, takes a long time)"
    echo "/usr/bin/time -v -o '$RES/mixed-libcst.time' '$VENV/bin/python' -m libcst.tool codemod -x -j2 --no-format --hide-progress libcst_codemod.ReplaceBucketLiteral '$W/copy-mixed-libcst'" > "$RES/mixed-libcst.cmd"
    (cd "$W/libcst" && uptime > "$RES/mixed-libcst.load" && \
     PYTHONPATH=$BENCH hyperfine --runs 1 --warmup 0 -i --show-output \
        --export-json "$RES/mixed-libcst.json" -n "LibCST codemod (-j 2)" \
        --prepare "$(fresh "$MIXED" "$W/copy-mixed-libcst")" \
        "$(cat "$RES/mixed-libcst.cmd")" \
        > "$RES/mixed-libcst.log" 2>&1; uptime >> "$RES/mixed-libcst.load") || echo "warning: LibCST run failed, see $RES/mixed-libcst.log" >&2
    tail -6 "$RES/mixed-libcst.log" >&2 || true
    grep -q 'Finished codemodding' "$RES/mixed-libcst.log" \
        || { echo "warning: the LibCST codemod did not finish; see $RES/mixed-libcst.log" >&2; rm -f "$RES/mixed-libcst.json"; }
fi

# ---------------------------------------------------------------- peak memory
maxrss() {  # ID COMMAND...: writes KiB to $RES/ID.rss
    local id=$1; shift
    /usr/bin/time -v -o "$RES/$id.time" "$@" > /dev/null 2>&1 || true
    awk -F': ' '/Maximum resident set size/ {print $2}' "$RES/$id.time" > "$RES/$id.rss"
}
log "peak memory"
for corpus in mixed relevant; do
    if [ $corpus = mixed ]; then C=$MIXED; else C=$RELEVANT; fi
    if [ $OURS = 1 ]; then
        maxrss "$corpus-ours-check" "$BIN" check "$C"
        maxrss "$corpus-ours-diff" "$BIN" diff "$C"
        rm -rf "$W/rss-copy" && cp -r "$C" "$W/rss-copy"
        maxrss "$corpus-ours-apply" "$BIN" apply "$W/rss-copy"
        rm -rf "$W/rss-copy"
    fi
    maxrss "$corpus-rg" rg -c anantra-lms-store "$C"
    maxrss "$corpus-ruff-e9" "$RUFF" check --isolated --select E9 --no-cache "$C"
    maxrss "$corpus-astgrep-scan" "$SG" scan -r "$BENCH/ast-grep/bucket-literal.yml" "$C"
done
[ -f "$RES/mixed-libcst.time" ] && awk -F': ' '/Maximum resident set size/ {print $2}' "$RES/mixed-libcst.time" > "$RES/mixed-libcst.rss"

# ---------------------------------------------------------------- what each tool saw / did
log "coverage and output checks"
count_literals() { rg -o --no-ignore -g '*.py' "[\"']anantra-lms-store[\"']" "$1" 2>/dev/null | wc -l; }
changed_files() { diff -rq "$1" "$2" 2>/dev/null | grep -c '^Files ' || true; }
missing_import() {  # files that use s3_utils.SUPABASE_BUCKET_NAME without importing s3_utils
    rg -l --no-ignore -g '*.py' 's3_utils\.SUPABASE_BUCKET_NAME' "$1" 2>/dev/null \
        | { xargs -r rg --files-without-match --no-ignore 'import\s.*\bs3_utils\b' || true; } | wc -l
}
changed_outside_lms() { diff -rq "$1" "$2" 2>/dev/null | grep '^Files ' | grep -v "/lms/" | grep -c . || true; }
{
    for corpus in mixed relevant; do
        if [ $corpus = mixed ]; then C=$MIXED; else C=$RELEVANT; fi
        echo "$corpus.quoted_literals_before $(count_literals "$C")"
        echo "$corpus.rg_files_with_match $(rg -l anantra-lms-store "$C" | wc -l)"
        echo "$corpus.ruff_files_seen $("$RUFF" check --isolated --select E9 --no-cache --show-files "$C" 2>/dev/null | grep -c '\.py$' || true)"
        echo "$corpus.ruff_e9_errors $("$RUFF" check --isolated --select E9 --no-cache --output-format concise "$C" 2>/dev/null | grep -c '\.py:[0-9]' || true)"
        echo "$corpus.ruff_e9_files $("$RUFF" check --isolated --select E9 --no-cache --output-format concise "$C" 2>/dev/null | grep '\.py:' | cut -d: -f1 | sort -u | wc -l)"
        echo "$corpus.astgrep_matches $("$SG" scan -r "$BENCH/ast-grep/bucket-literal.yml" --json=stream "$C" 2>/dev/null | wc -l)"
        if [ -d "$W/copy-$corpus-astgrep" ]; then
            echo "$corpus.astgrep_fix_changed_files $(changed_files "$C" "$W/copy-$corpus-astgrep")"
            echo "$corpus.astgrep_fix_literals_left $(count_literals "$W/copy-$corpus-astgrep")"
            echo "$corpus.astgrep_fix_missing_import $(missing_import "$W/copy-$corpus-astgrep")"
        fi
        if [ $OURS = 1 ]; then
            set +e
            "$BIN" check "$C" > "$RES/$corpus-ours-check.out" 2> "$RES/$corpus-ours-check.err"
            echo "$corpus.ours_check_exit $?"
            set -e
            echo "$corpus.ours_check_summary $(grep -h 'files checked' "$RES/$corpus-ours-check.out" "$RES/$corpus-ours-check.err" | tail -1)"
            echo "$corpus.ours_hardcoded_bucket_findings $(grep -c ' error\[hardcoded-bucket\] ' "$RES/$corpus-ours-check.out" || true)"
            if [ -d "$W/copy-$corpus-ours" ]; then
                echo "$corpus.ours_apply_changed_files $(changed_files "$C" "$W/copy-$corpus-ours")"
                echo "$corpus.ours_apply_literals_left $(count_literals "$W/copy-$corpus-ours")"
                echo "$corpus.ours_apply_missing_import $(missing_import "$W/copy-$corpus-ours")"
                echo "$corpus.ours_apply_ruff_e9_files_after $("$RUFF" check --isolated --select E9 --no-cache --output-format concise "$W/copy-$corpus-ours" 2>/dev/null | grep '\.py:' | cut -d: -f1 | sort -u | wc -l)"
            fi
            if [ $corpus = mixed ] && [ -d "$W/copy-$corpus-ours" ]; then
                echo "$corpus.ours_apply_changed_outside_lms $(changed_outside_lms "$C" "$W/copy-$corpus-ours")"
                diff -rq "$C" "$W/copy-$corpus-ours" 2>/dev/null | grep '^Files ' | grep -v "/lms/" | awk '{print $2}' > "$RES/$corpus-ours-apply-outside-lms.txt" || true
            fi
        fi
    done
    if [ -d "$W/copy-mixed-libcst" ]; then
        echo "mixed.libcst_changed_files $(changed_files "$MIXED" "$W/copy-mixed-libcst")"
        echo "mixed.libcst_changed_outside_lms $(changed_outside_lms "$MIXED" "$W/copy-mixed-libcst")"
        echo "mixed.libcst_literals_left $(count_literals "$W/copy-mixed-libcst")"
        echo "mixed.libcst_missing_import $(missing_import "$W/copy-mixed-libcst")"
        echo "mixed.libcst_summary $(grep -E '^ - ' "$RES/mixed-libcst.log" | sed 's/^ - //' | paste -sd ';' -)"
    fi
} > "$RES/checks.txt"
cat "$RES/checks.txt" >&2

# ---------------------------------------------------------------- 4b. real libraries (smoke)
# `check` over real third-party trees, once each and once over all of them together,
# with a wall-clock limit: bench corpora and tests are our own generated code, and a
# pathological case in the model shows as a timeout or a crash here. Not timed against
# anything; a timeout, an exit code other than 0/1/2 or a panic fails run.sh (after
# RESULTS.md is written).
SMOKE_TIMEOUT=${SMOKE_TIMEOUT:-120}
SMOKE_FAILED=()
rm -f "$RES"/smoke-* "$RES/smoke.txt"
smoke() {  # ID LABEL PATH...: one `check` run; writes $RES/smoke-ID.*
    local id=$1 label=$2 rc; shift 2
    local out=$RES/smoke-$id
    printf '%s\t%s\n' "$id" "$label" >> "$RES/smoke.txt"
    find "$@" -type f -name '*.py' -print0 | xargs -0 cat | wc -lc | awk '{print $1, $2}' > "$out.size"
    find "$@" -type f -name '*.py' | wc -l >> "$out.size"
    log "smoke $id: check $(printf '%s ' "$@")"
    set +e
    /usr/bin/time -v -o "$out.time" timeout -k 5 "$SMOKE_TIMEOUT" "$BIN" --format json check "$@" > "$out.json" 2> "$out.err"
    rc=$?
    set -e
    echo "$rc" > "$out.rc"
    uptime > "$out.load"
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        SMOKE_FAILED+=("$id: timed out after ${SMOKE_TIMEOUT}s (exit $rc)")
    elif [ "$rc" != 0 ] && [ "$rc" != 1 ] && [ "$rc" != 2 ]; then
        SMOKE_FAILED+=("$id: exit code $rc (crash?), see $out.err")
    fi
    if grep -q 'panicked at' "$out.err"; then
        SMOKE_FAILED+=("$id: panic on stderr: $(grep -m1 'panicked at' "$out.err")")
    fi
    grep -E 'Elapsed|Maximum resident' "$out.time" | sed 's/^\s*/    /' >&2 || true
    echo "    exit $rc" >&2
}
if [ "${SKIP_SMOKE:-0}" = 1 ]; then
    echo "SKIP_SMOKE=1: no real-libraries smoke run" >&2
elif [ ! -x "$BIN" ]; then
    SMOKE_FAILED+=("no binary at $BIN to run")
else
    SITE=$VENV/lib/python$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')/site-packages
    SMOKE_ALL=("$SITE" "$MIXED/boto3-$BOTO_VERSION" "$MIXED/botocore-$BOTO_VERSION")
    smoke venv "bench venv site-packages ($(cd "$SITE" && ls -d *.dist-info | sed 's/\.dist-info$//; s/-/==/' | paste -sd ' ' -))" "$SITE"
    smoke boto3 "boto3==$BOTO_VERSION (mixed corpus)" "$MIXED/boto3-$BOTO_VERSION"
    smoke botocore "botocore==$BOTO_VERSION (mixed corpus)" "$MIXED/botocore-$BOTO_VERSION"
    for pin in "${REALWORLD_PINS[@]}"; do
        whl=$(ls "$REALWORLD/dl/${pin%%==*}/"*.whl)
        tree=$REALWORLD/trees/$(basename "$whl" .whl | cut -d- -f1-2)
        smoke "${pin%%==*}" "$pin (wheel)" "$tree"
        SMOKE_ALL+=("$tree")
    done
    smoke all "all of the above in one run" "${SMOKE_ALL[@]}"
fi

# ---------------------------------------------------------------- 5. report
{
    echo "date $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "repo $REPO"
    echo "nproc $(nproc)"
    echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "mem $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "kernel $(uname -r)"
    echo "python $PY_VERSION ($PY)"
    echo "stdlib $STDLIB"
    echo "boto $BOTO_VERSION"
    echo "wheels $(cd "$W/dl" && sha256sum boto3-$BOTO_VERSION-*.whl botocore-$BOTO_VERSION-*.whl | awk '{printf "%s %s; ", $2, $1}')"
    echo "realworld_wheels $(cd "$REALWORLD/dl" && sha256sum */*.whl | awk '{sub(/^.*\//, "", $2); printf "%s %s; ", $2, $1}')"
    echo "smoke_timeout $SMOKE_TIMEOUT"
    echo "hyperfine $(hyperfine --version | awk '{print $2}')"
    echo "rg $(rg --version | awk 'NR == 1 {print $2}')"
    echo "ruff $("$RUFF" --version | awk '{print $2}')"
    echo "ast-grep $("$SG" --version | awk '{print $2}')"
    echo "libcst $("$VENV/bin/python" -c 'import libcst, importlib.metadata as m; print(m.version("libcst"))')"
    echo "ours $(cat "$BIN.info" 2>/dev/null || echo 'not built')"
    echo "runs $RUNS warmup $WARMUP"
    echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$RES/meta.txt"
"$PY" "$BENCH/report.py" "$RES" "$BENCH/RESULTS.md" "$BIN" "$MIXED" "$RELEVANT" "$BENCH"
log "wrote $BENCH/RESULTS.md"
if [ ${#SMOKE_FAILED[@]} -gt 0 ]; then
    printf '\n' >&2
    for f in "${SMOKE_FAILED[@]}"; do
        printf '!!! FAILED: real-libraries smoke run: %s\n' "$f" >&2
    done
    exit 1
fi
