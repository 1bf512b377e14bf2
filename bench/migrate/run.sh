#!/usr/bin/env bash
# The migrate-data benchmark (not a test; CI never runs it): copies two workloads from moto
# into the real Supabase Storage server with s3-to-supabase migrate-data, rclone (through the
# server's S3 endpoint) and a straightforward boto3 + supabase-py script, next to the server's
# own ceiling (raw uploads and downloads, 16 in flight; for the large objects resumable
# uploads in 6 MiB PATCHes and standard uploads), with the server's CPU seconds per run.
# Writes bench/work/migrate/; bench/migrate/report.py turns it into the migrate-data section
# of bench/RESULTS.md.
#
#   bash bench/migrate/run.sh            SMALL=5000 LARGE=20 JOBS=16 by default
#   SKIP_BUILD=1 bash bench/migrate/run.sh
#
# Needs: the test venv (`cargo test --release --test python_env` builds target/test-venv),
# the storage server's prerequisites (see README "Tests"), rclone (installed with apt-get
# if missing), GNU time. Everything listens on 127.0.0.1 and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=bench/work/migrate
rm -rf "$WORK" && mkdir -p "$WORK"
VENV=target/test-venv
PY=$VENV/bin/python
SERVER_SCRIPT=${STORAGE_SERVER_SCRIPT:-tests/storage-server/storage-server.sh}
SMALL=${SMALL:-5000}
LARGE=${LARGE:-20}
JOBS=${JOBS:-16}
BIN=target/release/s3-to-supabase

[ -x "$PY" ] || { echo "no test venv at $VENV: run cargo test --release --test python_env" >&2; exit 2; }
command -v rclone >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone; }
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release

SERVER_DIR=$(mktemp -d /tmp/s3ts-bench-server.XXXXXX)
chmod 755 "$SERVER_DIR" # the server's PostgreSQL runs as the postgres user
MOTO_PID=
cleanup() {
    [ -n "$MOTO_PID" ] && kill "$MOTO_PID" 2>/dev/null || true
    bash "$SERVER_SCRIPT" stop "$SERVER_DIR" >/dev/null 2>&1 || true
    rm -rf "$SERVER_DIR"
}
trap cleanup EXIT
STORAGE_S3_PROTOCOL=1 bash "$SERVER_SCRIPT" start "$SERVER_DIR" > "$WORK/server.env" 2> "$WORK/server.log"
set -a; . "$WORK/server.env"; set +a
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" > "$WORK/moto.log" 2>&1 &
MOTO_PID=$!
export AWS_ENDPOINT_URL=http://127.0.0.1:$PORT AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
for _ in $(seq 100); do curl -s "$AWS_ENDPOINT_URL" >/dev/null && break; sleep 0.2; done

s3_bucket() { curl -sf -X PUT "$AWS_ENDPOINT_URL/$1" >/dev/null; }
sb_bucket() {
    curl -sf -X POST -H "Authorization: Bearer $SUPABASE_SERVICE_ROLE_KEY" -H 'Content-Type: application/json' \
        -d "{\"name\":\"$1\"}" "$SUPABASE_URL/storage/v1/bucket" >/dev/null
}
# CPU seconds (user + system) the Storage server and its proxy have used so far: what each
# run costs the server, which the machine's other load does not change the way it does wall time.
server_cpu() {
    local pid total=0
    for pid in $(cat "$SERVER_DIR/storage.pid" "$SERVER_DIR/proxy.pid"); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
}
# timed NAME CMD...: wall seconds and peak RSS (KB) of CMD into $WORK/NAME.time, the server's
# CPU seconds meanwhile into $WORK/NAME.cpu
timed() {
    local name=$1; shift
    local before; before=$(server_cpu)
    /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || echo "exit $? $name" >> "$WORK/failures"
    echo "$(( $(server_cpu) - before )) $(getconf CLK_TCK)" | awk '{printf "%.2f\n", $1 / $2}' > "$WORK/$name.cpu"
    echo "$name: $(cat "$WORK/$name.time") (s, KB); server CPU $(cat "$WORK/$name.cpu") s; load $(cut -d' ' -f1-3 /proc/loadavg)"
}
export RCLONE_CONFIG_SRC_TYPE=s3 RCLONE_CONFIG_SRC_PROVIDER=Other RCLONE_CONFIG_SRC_ENDPOINT=$AWS_ENDPOINT_URL \
    RCLONE_CONFIG_SRC_ACCESS_KEY_ID=testing RCLONE_CONFIG_SRC_SECRET_ACCESS_KEY=testing RCLONE_CONFIG_SRC_REGION=us-east-1 \
    RCLONE_CONFIG_SRC_FORCE_PATH_STYLE=true \
    RCLONE_CONFIG_DST_TYPE=s3 RCLONE_CONFIG_DST_PROVIDER=Other RCLONE_CONFIG_DST_ENDPOINT=$STORAGE_S3_ENDPOINT \
    RCLONE_CONFIG_DST_ACCESS_KEY_ID=$STORAGE_S3_ACCESS_KEY_ID RCLONE_CONFIG_DST_SECRET_ACCESS_KEY=$STORAGE_S3_SECRET_ACCESS_KEY \
    RCLONE_CONFIG_DST_REGION=$STORAGE_S3_REGION RCLONE_CONFIG_DST_FORCE_PATH_STYLE=true

echo "load before: $(cat /proc/loadavg)" | tee "$WORK/load"
for workload in small large; do
    if [ $workload = small ]; then count=$SMALL; size=4096; else count=$LARGE; size=$((20 * 1024 * 1024)); fi
    src=src-$workload
    s3_bucket "$src"
    "$PY" bench/migrate/workload.py seed "$src" "$count" "$size"
    sb_bucket "ceiling-$workload"
    if [ $workload = small ]; then
        "$PY" bench/migrate/workload.py ceiling ceiling-small "$count" "$size" > "$WORK/ceiling.json"
        echo "ceiling: $(cat "$WORK/ceiling.json")"
    else
        timed ceiling-large "$PY" bench/migrate/workload.py ceiling-large ceiling-large "$count" "$size"
        cp "$WORK/ceiling-large.out" "$WORK/ceiling-large.json"
        echo "ceiling (large): $(cat "$WORK/ceiling-large.json")"
    fi
    for verify in size full; do
        dst=ours-$verify-$workload; sb_bucket "$dst"
        timed "ours-$verify-$workload" "$BIN" migrate-data --from "s3://$src" --to "$dst" --jobs "$JOBS" --verify $verify \
            --manifest "$WORK/$dst.jsonl" --progress-every 1000000
    done
    dst=script-$workload; sb_bucket "$dst"
    timed "script-$workload" "$PY" bench/migrate/workload.py script "$src" "$dst" "$JOBS"
    dst=rclone-$workload; sb_bucket "$dst"
    timed "rclone-$workload" env -u AWS_CA_BUNDLE rclone copy "src:$src" "dst:$dst" --transfers "$JOBS" --checkers "$JOBS" --s3-no-check-bucket
    "$PY" bench/migrate/workload.py check "$src" "ours-full-$workload" > "$WORK/check-$workload.json"
    echo "check: $(cat "$WORK/check-$workload.json")"
done
echo "load after: $(cat /proc/loadavg)" | tee -a "$WORK/load"
"$PY" bench/migrate/report.py "$WORK" "$SMALL" "$LARGE" "$JOBS" > "$WORK/section.md"
echo "wrote $WORK/section.md (paste into bench/RESULTS.md)"
