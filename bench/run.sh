#!/usr/bin/env bash
# Benchmarks isp-lock-service end to end and prints one markdown table (also written to
# bench/results/latest.md). See docs/benchmarks.md for what each row and column means.
#
#   bash bench/run.sh                 # full run: 5 s warm-up + 10 s measured per row, about 3-5 minutes
#   bash bench/run.sh --quick         # smoke run: 1 s + 2 s per row, about a minute
#   options: --warmup S --duration S  (per row, seconds; override the mode's)
#            --committed              build the service from git HEAD instead of the working tree
#            --keep                   keep the work directory (logs, jars, raw rows) afterwards
#            --metrics on|off         metrics.enabled of the service (METRICS_ENABLED), default on
#            --skip-waiters           leave out row c (10,000 waiters): for back-to-back comparisons of rates
#            --quiet-wait S           how long each row waits for a busy machine to calm down (full: 90, quick: 0)
#            --skip-cluster           leave out rows e1 and e3 (Redis Cluster of 1 and 3 masters)
#
# It builds the service and the benchmark in a copy of the tree (never in the repo's own target/),
# starts its own redis-server on a free port (never the one on 6379), measures raw Redis with
# redis-benchmark, starts the service jar, runs every row, and stops everything it started.
# Progress goes to stderr; stdout carries only the table.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
QUICK=false
KEEP=false
COMMITTED=false
METRICS=on
SKIP_WAITERS=false
SKIP_CLUSTER=false
WARMUP_ARG=""
QUIET_WAIT_ARG=""
DURATION_ARG=""
while (( $# > 0 )); do
  case "$1" in
    --quick) QUICK=true ;;
    --keep) KEEP=true ;;
    --committed) COMMITTED=true ;;
    --metrics) METRICS=${2:?--metrics needs on or off}; shift ;;
    --skip-waiters) SKIP_WAITERS=true ;;
    --quiet-wait) QUIET_WAIT_ARG=${2:?--quiet-wait needs seconds}; shift ;;
    --warmup) WARMUP_ARG=${2:?--warmup needs seconds}; shift ;;
    --duration) DURATION_ARG=${2:?--duration needs seconds}; shift ;;
    --skip-cluster) SKIP_CLUSTER=true ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if $QUICK; then
  WARMUP=1 DURATION=2 HOLD=2 RB_REQUESTS_1=20000 RB_REQUESTS=60000 QUIET_WAIT=0 MODE=quick
else
  WARMUP=5 DURATION=10 HOLD=5 RB_REQUESTS_1=100000 RB_REQUESTS=300000 QUIET_WAIT=90 MODE=full
fi
WARMUP=${WARMUP_ARG:-$WARMUP}
QUIET_WAIT=${QUIET_WAIT_ARG:-$QUIET_WAIT}
DURATION=${DURATION_ARG:-$DURATION}
MODE="$MODE ($WARMUP s warm-up + $DURATION s measured per row; HTTP load generator: one event loop, serial GC)"
if $QUICK; then MODE="$MODE; a smoke run, not for quoting"; fi
case "$METRICS" in
  on) export METRICS_ENABLED=true ;;
  off) export METRICS_ENABLED=false; MODE="$MODE; metrics.enabled: false" ;;
  *) echo "--metrics takes on or off, not $METRICS" >&2; exit 2 ;;
esac
if $SKIP_WAITERS; then MODE="$MODE; row c skipped"; fi
if $SKIP_CLUSTER; then MODE="$MODE; rows e skipped"; fi
CLIENT_COUNTS=(1 16 64 256)
HOT_CLIENTS=64
SEMAPHORE_CLIENTS=64 SEMAPHORE_PERMITS=8
WAIT_KEYS=100 WAIT_PER_KEY=100 WAIT_TIMEOUT=120
EVENTBUS_CLIENTS=64
CAD_SCRIPT="if redis.call('GET',KEYS[1])==ARGV[1] then return redis.call('DEL',KEYS[1]) end return 0"

WORK=$(mktemp -d /tmp/isp-lock-bench.XXXXXX)
SRC="$WORK/src"
ROWS="$WORK/rows.jsonl"
LIMITS="$WORK/redis-limits.tsv"
NOTES="$WORK/notes.txt"
REDIS_PID=""
SERVICE_PID=""

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

STOP_STATUS=""
stop_pid() { # pid, seconds to wait after SIGTERM before SIGKILL; sets STOP_STATUS
  local pid=$1 grace=$2
  STOP_STATUS=""
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid" 2>/dev/null || true; STOP_STATUS="killed after ${grace} s"; }
  wait "$pid" 2>/dev/null && STOP_STATUS=${STOP_STATUS:-"exit 0"} || STOP_STATUS=${STOP_STATUS:-"exit $?"}
}

CLUSTER_PID_LIST=()
cleanup() {
  local status=$?
  stop_pid "$SERVICE_PID" 20
  stop_pid "$REDIS_PID" 5
  local pid
  for pid in "${CLUSTER_PID_LIST[@]}"; do stop_pid "$pid" 5; done
  if $KEEP; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port nobody listens on, below the ephemeral range so no client socket takes it meanwhile.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z "$(ss -Hltn "sport = :$port")" ]]; then echo "$port"; return 0; fi
  done
  die "no free port found"
}

# --- 0. file descriptors: row c opens 10,000 connections on each side ----------------------------
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < 10500 )); then
  log "WARNING: ulimit -n is $(ulimit -n); the 10,000-waiter row needs more than 10,500"
fi

# --- 1. build both jars in a copy of the working tree ---------------------------------------------
rsync -a --exclude target/ --exclude .git/ --exclude .idea/ --exclude bench/results/ "$ROOT/" "$SRC/"
# what the table says the service was built from, so that a table can be matched to its commit
if ! HEAD_COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
  SOURCE="a tree outside git"
elif $COMMITTED; then
  SOURCE="commit $HEAD_COMMIT"
elif [[ -n "$(git -C "$ROOT" status --porcelain -- . ':!bench/results' 2>/dev/null)" ]]; then
  SOURCE="the working tree at commit $HEAD_COMMIT, with uncommitted changes"
else
  SOURCE="commit $HEAD_COMMIT (clean working tree)"
fi
if $COMMITTED; then
  log "building the service from git HEAD ($(git -C "$ROOT" rev-parse --short HEAD)), the benchmark from the working tree"
  rm -rf "$SRC/src" "$SRC/pom.xml" "$SRC/conf"
  git -C "$ROOT" archive HEAD src pom.xml conf | tar -x -C "$SRC"
else
  log "building the service and the benchmark from the working tree (copied to $SRC)"
fi
(cd "$SRC" && ./mvnw -B -q install -DskipTests) >&2  # install: bench/ compiles against it
(cd "$SRC" && ./mvnw -B -q -f bench/pom.xml package) >&2
SERVICE_JAR="$SRC/target/isp-lock-service.jar"
BENCH_JAR="$SRC/bench/target/isp-lock-bench.jar"
[[ -f "$SERVICE_JAR" && -f "$BENCH_JAR" ]] || die "build produced no jars"
BENCH_JVM=(java -Xms1g -Xmx1g)
# The HTTP rows' load generator: one event loop (its --loops default) and the serial collector, so
# that it takes as little as it can of the CPU it shares with the service and Redis; like
# redis-benchmark, one thread drives every client. Row d keeps the JVM's default collector (G1),
# because the service runs inside that JVM and G1 is what the service runs with.
LOADGEN_JVM=(java -Xms1g -Xmx1g -XX:+UseSerialGC)

# --- 2. our own Redis ------------------------------------------------------------------------------
REDIS_PORT=$(free_port)
log "starting redis-server on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --maxclients 20000 \
  >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do
  [[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] && break
  sleep 0.1
done
[[ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]] || die "redis-server did not start: $(cat "$WORK/redis.log")"
REDIS_VERSION=$(redis-cli -p "$REDIS_PORT" info server | tr -d '\r' | sed -n 's/^redis_version://p')

# --- 3. the limit: raw Redis, the two commands a lock + unlock pair needs ---------------------------
# prints "rps p50 p99" of one redis-benchmark run: clients, requests, command...
redis_bench() {
  redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c "$1" -n "$2" -r 100000 --csv "${@:3}" \
    | tail -1 | tr -d '"' | awk -F, '{ print $2, $5, $7 }'
}
quiet() { # waits (bounded) until other processes leave the machine alone
  (( QUIET_WAIT > 0 )) || return 0
  "${BENCH_JVM[@]}" -jar "$BENCH_JAR" quiet --redis-pid "$REDIS_PID" --quiet-wait "$QUIET_WAIT" || true
}
CAD_SHA=$(redis-cli -p "$REDIS_PORT" SCRIPT LOAD "$CAD_SCRIPT")
: >"$LIMITS"
for clients in "${CLIENT_COUNTS[@]}"; do
  requests=$RB_REQUESTS
  (( clients == 1 )) && requests=$RB_REQUESTS_1
  quiet
  log "redis-benchmark, $clients clients: SET NX PX and EVALSHA compare-and-delete, $requests requests each"
  set_result=$(redis_bench "$clients" "$requests" SET 'rb:__rand_int__' v NX PX 30000)
  cad_result=$(redis_bench "$clients" "$requests" EVALSHA "$CAD_SHA" 1 'rb:__rand_int__' v)
  echo "$clients $set_result $cad_result" >>"$LIMITS"
done
redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null

# --- 4. the service as its own process ---------------------------------------------------------------
HTTP_PORT=$(free_port)
start_service() { # name, extra JVM options...
  local name=$1
  shift
  log "starting the service ($name) on 127.0.0.1:$HTTP_PORT"
  # SERVICE_JAVA_OPTS: extra JVM options for the service (e.g. a GC), to compare settings
  java ${SERVICE_JAVA_OPTS:-} "$@" -DlogLevel=warn ${SERVICE_REDIS:--Dredis.server=127.0.0.1:$REDIS_PORT} -Dhttp.host=127.0.0.1 -Dhttp.port="$HTTP_PORT" \
    -jar "$SERVICE_JAR" --config "$SRC/conf/config.yaml" >"$WORK/service-$name.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$HTTP_PORT/health/ready" 2>/dev/null; then return 0; fi
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited: $(tail -20 "$WORK/service-$name.log")"
    sleep 0.1
  done
  die "the service did not become ready in 30 s"
}
stop_service() { # name: also notes what the service logged at WARNING or worse
  local name=$1 problems
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    echo "service ($name): had exited before the end of its rows" >>"$NOTES"
  fi
  stop_pid "$SERVICE_PID" 20
  SERVICE_PID=""
  echo "service ($name): SIGTERM → $STOP_STATUS" >>"$NOTES"
  problems=$(grep -cE 'WARNING|SEVERE|ERROR|Exception|OutOfMemory' "$WORK/service-$name.log" || true)
  if (( problems > 0 )); then
    echo "service ($name): log lines at WARNING or worse: $problems; the first: $(grep -m1 -E 'WARNING|SEVERE|ERROR|Exception|OutOfMemory' "$WORK/service-$name.log" | cut -c1-300)" >>"$NOTES"
    log "service ($name) logged $problems problem lines; the first, with what follows it:"
    grep -m1 -A25 -E 'WARNING|SEVERE|ERROR|Exception|OutOfMemory' "$WORK/service-$name.log" >&2 || true
  else
    echo "service ($name): nothing logged at WARNING or worse" >>"$NOTES"
  fi
}
bench() { # command, options...
  "${LOADGEN_JVM[@]}" -jar "$BENCH_JAR" "$@" --redis-pid "$REDIS_PID" --quiet-wait "$QUIET_WAIT" --rows "$ROWS" || log "the $1 row failed (exit $?)"
}

: >"$NOTES"
start_service default-heap
log "warming the service up (5 s at 64 clients, not recorded)"
"${LOADGEN_JVM[@]}" -jar "$BENCH_JAR" uncontended --id warm-up --port "$HTTP_PORT" --service-pid "$SERVICE_PID" \
  --clients 64 --warmup 0 --duration 5 --rows "$WORK/warm-up.jsonl" 2>/dev/null || true
for clients in "${CLIENT_COUNTS[@]}"; do
  bench uncontended --id "a$clients" --port "$HTTP_PORT" --service-pid "$SERVICE_PID" --clients "$clients" \
    --warmup "$WARMUP" --duration "$DURATION"
done
bench hotkey --id b --port "$HTTP_PORT" --service-pid "$SERVICE_PID" --clients "$HOT_CLIENTS" \
  --warmup "$WARMUP" --duration "$DURATION"
bench readwrite --id rw --port "$HTTP_PORT" --service-pid "$SERVICE_PID" --clients "$HOT_CLIENTS" \
  --warmup "$WARMUP" --duration "$DURATION"
bench semaphore --id "s$SEMAPHORE_CLIENTS" --port "$HTTP_PORT" --service-pid "$SERVICE_PID" --clients "$SEMAPHORE_CLIENTS" \
  --permits "$SEMAPHORE_PERMITS" --warmup "$WARMUP" --duration "$DURATION"
stop_service default-heap
redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null

if ! $SKIP_WAITERS; then
  start_service xmx256m -Xmx256m
  bench waiters --id c --port "$HTTP_PORT" --service-pid "$SERVICE_PID" --keys "$WAIT_KEYS" --per-key "$WAIT_PER_KEY" \
    --hold "$HOLD" --wait-timeout "$WAIT_TIMEOUT"
  stop_service xmx256m
  redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
fi

# --- 5. the event-bus path: the service inside the benchmark JVM -----------------------------------
log "event bus: service deployed in the benchmark JVM"
"${BENCH_JVM[@]}" -cp "$SERVICE_JAR:$BENCH_JAR" io.isp.lock.bench.Main eventbus --id d64 \
  --redis "127.0.0.1:$REDIS_PORT" --redis-pid "$REDIS_PID" --quiet-wait "$QUIET_WAIT" --clients "$EVENTBUS_CLIENTS" --warmup "$WARMUP" --duration "$DURATION" --rows "$ROWS" \
  || log "the eventbus row failed (exit $?)"
redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
log "event bus, typed records (what the HTTP verticle sends): service deployed in the benchmark JVM"
"${BENCH_JVM[@]}" -cp "$SERVICE_JAR:$BENCH_JAR" io.isp.lock.bench.Main eventbus --id d64t --typed true \
  --redis "127.0.0.1:$REDIS_PORT" --redis-pid "$REDIS_PID" --quiet-wait "$QUIET_WAIT" --clients "$EVENTBUS_CLIENTS" --warmup "$WARMUP" --duration "$DURATION" --rows "$ROWS" \
  || log "the typed eventbus row failed (exit $?)"

# --- 5b. Redis Cluster: the a64 load against 1 and then 3 masters (no replicas) -----------------------
# Replicas would take CPU from the masters on this small machine; the row measures how the storage
# tier scales, so each master runs alone. One master owns all 16,384 slots in e1 (redis-cli --cluster
# create wants three), a third each in e3. The Redis CPU column is the masters' together.
start_cluster() { # count of masters; sets CLUSTER_NODES and CLUSTER_PIDS
  local n=$1 i port ports=() pids=()
  for (( i = 0; i < n; i++ )); do
    port=$(free_port)
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$WORK/nodes-$port.conf" \
      --dir "$WORK" --save "" --appendonly no --maxclients 20000 >"$WORK/cluster-$port.log" 2>&1 &
    pids+=("$!") ports+=("$port")
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do [[ "$(redis-cli -p "$port" ping 2>/dev/null)" == PONG ]] && break; sleep 0.1; done
  done
  if (( n == 1 )); then
    redis-cli -p "${ports[0]}" cluster addslotsrange 0 16383 >/dev/null
  else
    local hosts=()
    for port in "${ports[@]}"; do hosts+=("127.0.0.1:$port"); done
    redis-cli --cluster create "${hosts[@]}" --cluster-replicas 0 --cluster-yes >"$WORK/cluster-create.log" 2>&1 \
      || die "redis-cli --cluster create failed: $(tail -5 "$WORK/cluster-create.log")"
  fi
  for _ in $(seq 1 100); do
    redis-cli -p "${ports[0]}" cluster info 2>/dev/null | grep -q "cluster_state:ok" && break
    sleep 0.1
  done
  redis-cli -p "${ports[0]}" cluster info | grep -q "cluster_state:ok" || die "the cluster of $n did not reach cluster_state:ok"
  CLUSTER_NODES=$(IFS=,; echo "${hosts[*]:-127.0.0.1:${ports[0]}}")
  CLUSTER_PIDS=$(IFS=,; echo "${pids[*]}")
  CLUSTER_PID_LIST=("${pids[@]}")
}
stop_cluster() {
  local pid
  for pid in "${CLUSTER_PID_LIST[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${CLUSTER_PID_LIST[@]}"; do wait "$pid" 2>/dev/null || true; done
}
if ! $SKIP_CLUSTER; then
  for masters in 1 3; do
    log "Redis Cluster of $masters master(s): the a64 load"
    start_cluster "$masters"
    SERVICE_REDIS="-Dredis.server= -Dredis.cluster.nodes=$CLUSTER_NODES" start_service "cluster-$masters"
    "${LOADGEN_JVM[@]}" -jar "$BENCH_JAR" uncontended --id warm-up --port "$HTTP_PORT" --service-pid "$SERVICE_PID" \
      --clients 64 --warmup 0 --duration 5 --rows "$WORK/warm-up.jsonl" 2>/dev/null || true
    "${LOADGEN_JVM[@]}" -jar "$BENCH_JAR" uncontended --id "e$masters" --port "$HTTP_PORT" --service-pid "$SERVICE_PID" \
      --clients 64 --warmup "$WARMUP" --duration "$DURATION" --redis-pid "$CLUSTER_PIDS" --quiet-wait "$QUIET_WAIT" --rows "$ROWS" \
      --scenario "uncontended (100,000 keys, waitTimeout 0), HTTP, Redis Cluster of $masters master(s), no replicas" \
      || log "the e$masters row failed (exit $?)"
    stop_service "cluster-$masters"
    stop_cluster
  done
fi

# --- 6. the table ------------------------------------------------------------------------------------
mkdir -p "$ROOT/bench/results"
"${BENCH_JVM[@]}" -jar "$BENCH_JAR" table --rows "$ROWS" --limits "$LIMITS" --notes "$NOTES" \
  --redis-version "$REDIS_VERSION" --mode "$MODE" --source "$SOURCE" --out "$WORK/table.md" >/dev/null
cp "$WORK/table.md" "$ROOT/bench/results/latest.md"
cat "$WORK/table.md"
log "table written to bench/results/latest.md"
