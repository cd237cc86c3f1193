#!/usr/bin/env bash
# Soak: mixed load on the service in Sentinel mode for N minutes while the Redis master is killed
# every 2 minutes; then the history checker, and totals. See docs/reliability.md, "Soak".
#
#   bash scripts/soak.sh                      # 10 minutes, a failover every 120 s (4 failovers)
#   bash scripts/soak.sh --minutes 2          # a shorter run
#   options: --minutes N          how long the load runs (default 10)
#            --failover-every S   seconds between master kills (default 120; none in the last 20 s)
#            --keep               keep the work directory (logs, history, configs) afterwards
#
# What it starts, all on free ports of 127.0.0.1 (never the Redis on 6379), and stops on exit, also
# on Ctrl-C: a Redis master and a replica and three Sentinels (quorum 2) as redis-server processes;
# the service jar, built in a copy of the tree, in Sentinel mode; the load generator
# (io.isp.lock.soak.SoakLoad, from the test classes). The load: clients on keys of their own
# (uncontended), on 3 hot keys, queued on one key (waiters), holding 2 keys by extending them, and
# holding 2 keys through WebSocket sessions (TTL 1 s, held 2.5 s: only the session's renewals keep them).
#
# A failover: SIGKILL the master (a crash, the case in which asynchronous replication can lose a
# lock), wait until the Sentinels name the replica, then start the old master again, empty, as a
# replica of the new one (as an operator's restart would, and so that the next failover has a
# replica to promote). Every client records each hold; at the end HistoryChecker and SoakReport
# read the histories. Exit status: 0 when the verdict is PASS, 1 when it is not, 2 on a bad argument.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINUTES=10
FAILOVER_EVERY=120
KEEP=false
while (( $# > 0 )); do
  case "$1" in
    --minutes) MINUTES=${2:?--minutes needs a number}; shift ;;
    --failover-every) FAILOVER_EVERY=${2:?--failover-every needs seconds}; shift ;;
    --keep) KEEP=true ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$MINUTES" =~ ^[0-9]+$ ]] && (( MINUTES > 0 )) || { echo "--minutes must be a whole number > 0" >&2; exit 2; }
[[ "$FAILOVER_EVERY" =~ ^[0-9]+$ ]] && (( FAILOVER_EVERY >= 30 )) || { echo "--failover-every must be >= 30 seconds" >&2; exit 2; }
RUN_SECONDS=$((MINUTES * 60))
MASTER_NAME=mymaster

WORK=$(mktemp -d /tmp/isp-lock-soak.XXXXXX)
SRC="$WORK/src"
OUT="$WORK/out"
mkdir -p "$OUT"
declare -A NODE_PID=()   # Redis data node port -> pid
SENTINEL_PIDS=()
SENTINEL_PORTS=()
SERVICE_PID=""
LOAD_PID=""

log() { echo "[soak $(date -u +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_us() { date +%s%6N; }

stop_pid() { # pid, seconds to wait after SIGTERM before SIGKILL
  local pid=$1 grace=$2
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((grace * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  (( status == 0 )) || log "exit status $status: stopping everything this run started"
  stop_pid "$LOAD_PID" 5
  stop_pid "$SERVICE_PID" 15
  for pid in "${SENTINEL_PIDS[@]}" "${NODE_PID[@]}"; do stop_pid "$pid" 5; done
  if $KEEP; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port nobody listens on, below the ephemeral range so no client socket takes it meanwhile.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z "$(ss -Hltn "sport = :$port")" ]] && [[ " ${!NODE_PID[*]} ${SENTINEL_PORTS[*]} " != *" $port "* ]]; then
      echo "$port"; return 0
    fi
  done
  die "no free port found"
}

cli() { timeout 5 redis-cli -h 127.0.0.1 -p "$@" 2>/dev/null | tr -d '\r'; }

wait_for() { # seconds, description, command...: runs the command every 0.2 s until it succeeds
  local seconds=$1 what=$2
  shift 2
  local end=$((SECONDS + seconds))
  until "$@"; do
    (( SECONDS < end )) || { log "gave up after ${seconds} s waiting for: $what"; return 1; }
    sleep 0.2
  done
}

# --- 1. build the service jar and the test classes (the load generator) in a copy of the tree ------
rsync -a --exclude target/ --exclude .git/ --exclude .idea/ --exclude bench/ "$ROOT/" "$SRC/"
log "building the service and its test classes from the working tree (copied to $SRC)"
(cd "$SRC" && { ./mvnw -B -q -o package -DskipTests || ./mvnw -B -q package -DskipTests; }) >&2
SERVICE_JAR="$SRC/target/isp-lock-service.jar"
CLASSES="$SRC/target/test-classes"
[[ -f "$SERVICE_JAR" && -f "$CLASSES/io/isp/lock/soak/SoakLoad.class" ]] || die "the build produced no jar or no SoakLoad"
SOURCE=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "a tree outside git")
[[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] && SOURCE="$SOURCE with uncommitted changes"

# --- 2. Redis: a master, a replica, three Sentinels -----------------------------------------------
start_node() { # port [master port]: a data node, as a replica when a master port is given
  local port=$1 master=${2:-} dir="$WORK/redis-$1"
  mkdir -p "$dir"
  {
    echo "port $port"
    echo "bind 127.0.0.1"
    echo "daemonize no"
    echo "dir $dir"
    echo "logfile $dir/server.log"
    echo 'save ""'
    echo "appendonly no"
    echo "repl-diskless-sync-delay 0"  # else a replica waits 5 s for company before its full sync
    if [[ -n "$master" ]]; then echo "replicaof 127.0.0.1 $master"; fi
  } >"$dir/redis.conf"
  redis-server "$dir/redis.conf" >>"$dir/stdout.log" 2>&1 &
  NODE_PID[$port]=$!
  wait_for 10 "redis-server on $port" bash -c "[[ \$(redis-cli -p $port ping 2>/dev/null) == PONG ]]" \
    || die "redis-server on $port did not start: $(tail -5 "$dir/server.log")"
}

start_sentinel() { # port master-port
  local port=$1 master=$2 dir="$WORK/sentinel-$1"
  mkdir -p "$dir"
  cat >"$dir/sentinel.conf" <<EOF
port $port
bind 127.0.0.1
daemonize no
dir $dir
logfile $dir/server.log
sentinel monitor $MASTER_NAME 127.0.0.1 $master 2
sentinel down-after-milliseconds $MASTER_NAME 1000
sentinel failover-timeout $MASTER_NAME 3000
sentinel parallel-syncs $MASTER_NAME 1
EOF
  redis-server "$dir/sentinel.conf" --sentinel >>"$dir/stdout.log" 2>&1 &
  SENTINEL_PIDS+=($!)
  SENTINEL_PORTS+=("$port")
  wait_for 10 "sentinel on $port" bash -c "[[ \$(redis-cli -p $port ping 2>/dev/null) == PONG ]]" \
    || die "sentinel on $port did not start: $(tail -5 "$dir/server.log")"
}

master_port() { # the port the Sentinel on $1 names for the master
  cli "$1" SENTINEL get-master-addr-by-name "$MASTER_NAME" | sed -n 2p
}

replica_online() { # master port, replica port: the master streams to the replica
  cli "$1" INFO replication | grep -q "^slave[0-9]*:ip=127.0.0.1,port=$2,state=online"
}

# Every Sentinel names master $1, knows the two others, and sees replica $2 up: a failover can happen.
cluster_ready() {
  local s
  for s in "${SENTINEL_PORTS[@]}"; do
    [[ "$(master_port "$s")" == "$1" ]] || return 1
    [[ "$(cli "$s" SENTINEL sentinels "$MASTER_NAME" | grep -cx 'name')" == 2 ]] || return 1
    cli "$s" SENTINEL replicas "$MASTER_NAME" | awk -v want="127.0.0.1:$2" '
      prev == "name" { current = $0 }
      prev == "flags" && current == want { flags = $0 }
      prev == "master-link-status" && current == want { link = $0 }
      { prev = $0 }
      END { exit !(flags == "slave" && link == "ok") }' || return 1
  done
  replica_online "$1" "$2"
}

MASTER=$(free_port)
start_node "$MASTER"
REPLICA=$(free_port)
start_node "$REPLICA" "$MASTER"
wait_for 30 "replica $REPLICA online" replica_online "$MASTER" "$REPLICA" || die "the replica did not attach"
for _ in 1 2 3; do start_sentinel "$(free_port)" "$MASTER"; done
log "Redis $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p'): master $MASTER, replica $REPLICA, Sentinels ${SENTINEL_PORTS[*]}"
wait_for 60 "the Sentinels to know each other and the replica" cluster_ready "$MASTER" "$REPLICA" \
  || die "the Sentinels did not settle"

# --- 3. the service, in Sentinel mode ---------------------------------------------------------------
HTTP_PORT=$(free_port)
SENTINELS=$(printf '127.0.0.1:%s,' "${SENTINEL_PORTS[@]}")
log "starting the service on 127.0.0.1:$HTTP_PORT (Sentinel mode, -Xmx512m)"
java -Xmx512m -DlogLevel=warn -Dredis.server= -Dredis.sentinel.addresses="${SENTINELS%,}" \
  -Dredis.sentinel.masterName="$MASTER_NAME" -Dhttp.host=127.0.0.1 -Dhttp.port="$HTTP_PORT" \
  -jar "$SERVICE_JAR" --config "$SRC/conf/config.yaml" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
service_ready() {
  kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited: $(tail -20 "$WORK/service.log")"
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/ready" 2>/dev/null
}
wait_for 60 "the service to be ready" service_ready || die "the service was not ready in 60 s"

# heap in use after a full GC (KiB), RSS (KiB), open file descriptors, threads of the service
measure() {
  local heap rss fds threads
  jcmd "$SERVICE_PID" GC.run >/dev/null 2>&1 || true
  heap=$(jcmd "$SERVICE_PID" GC.heap_info 2>/dev/null | grep -m1 -oE 'used [0-9]+K' | grep -oE '[0-9]+' || echo "?")
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVICE_PID/status")
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$SERVICE_PID/status")
  fds=$(ls "/proc/$SERVICE_PID/fd" | wc -l)
  echo "$heap $rss $fds $threads"
}
BEFORE=$(measure)
log "service before the load (idle, after a full GC): heap KiB, RSS KiB, fds, threads = $BEFORE"

# --- 4. the load, and a failover every FAILOVER_EVERY seconds ------------------------------------------
log "load for $RUN_SECONDS s; a master kill every $FAILOVER_EVERY s (none in the last 20 s)"
java -Xmx512m -XX:+UseSerialGC -cp "$CLASSES" io.isp.lock.soak.SoakLoad --port "$HTTP_PORT" --seconds "$RUN_SECONDS" \
  --out "$OUT" >"$WORK/load.log" 2>&1 &
LOAD_PID=$!
START=$SECONDS
: >"$OUT/failovers.tsv"

failover() {
  local old=$MASTER replica=$REPLICA killed promoted new="" rejoined=-1 s
  wait_for 60 "a healthy cluster before the kill" cluster_ready "$MASTER" "$REPLICA" \
    || { log "skipping this failover: the cluster is not ready for one"; return 0; }
  killed=$(now_us)
  kill -KILL "${NODE_PID[$old]}"
  wait "${NODE_PID[$old]}" 2>/dev/null || true
  unset "NODE_PID[$old]"
  log "master $old killed (SIGKILL)"
  local end=$((SECONDS + 60))
  while [[ -z "$new" ]] && (( SECONDS < end )); do
    for s in "${SENTINEL_PORTS[@]}"; do
      [[ "$(master_port "$s")" == "$replica" ]] && { new=$replica; break; }
    done
    [[ -n "$new" ]] || sleep 0.1
  done
  [[ -n "$new" ]] || die "no Sentinel named a new master within 60 s of the kill"
  promoted=$(now_us)
  log "the Sentinels name $new after $(( (promoted - killed) / 1000 )) ms; restarting $old as its replica"
  start_node "$old" "$new"
  if wait_for 60 "$old to replicate from $new" replica_online "$new" "$old"; then rejoined=$(now_us); fi
  MASTER=$new REPLICA=$old
  echo "$killed $promoted $rejoined 127.0.0.1:$old 127.0.0.1:$new" >>"$OUT/failovers.tsv"
}

NEXT_FAILOVER=$FAILOVER_EVERY
WARM=""
while kill -0 "$LOAD_PID" 2>/dev/null; do
  elapsed=$((SECONDS - START))
  (( elapsed > RUN_SECONDS + 180 )) && { log "the load generator overran its time by 180 s; stopping it"; stop_pid "$LOAD_PID" 5; break; }
  kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during the soak: $(tail -20 "$WORK/service.log")"
  if [[ -z "$WARM" ]] && (( elapsed >= 60 )); then
    WARM=$(measure)
    log "service after 60 s of load (after a full GC): heap KiB, RSS KiB, fds, threads = $WARM"
  fi
  if (( elapsed >= NEXT_FAILOVER && NEXT_FAILOVER <= RUN_SECONDS - 20 )); then
    failover
    NEXT_FAILOVER=$((NEXT_FAILOVER + FAILOVER_EVERY))
  fi
  sleep 1
done
load_status=0
wait "$LOAD_PID" 2>/dev/null || load_status=$?
LOAD_PID=""
(( load_status == 0 )) || log "the load generator exited with status $load_status: $(tail -5 "$WORK/load.log")"
[[ -f "$OUT/history.tsv" ]] || die "the load generator wrote no history: $(tail -20 "$WORK/load.log")"
AFTER=$(measure)
log "service after the load (idle, after a full GC): heap KiB, RSS KiB, fds, threads = $AFTER"

# --- 5. the checker and the totals ---------------------------------------------------------------
java -cp "$CLASSES" io.isp.lock.history.HistoryChecker "$OUT/history.tsv" >"$OUT/history-check.txt" && checker=0 || checker=$?
report_status=0
REPORT=$(java -cp "$CLASSES" io.isp.lock.soak.SoakReport "$OUT") || report_status=$?
PROBLEMS=$(grep -cE 'WARN|ERROR|SEVERE|Exception' "$WORK/service.log" || true)
read -r hb rb fb tb <<<"$BEFORE"
read -r hw rw fw tw <<<"${WARM:-? ? ? ?}"
read -r ha ra fa ta <<<"$AFTER"
{
  echo "soak: $MINUTES min of load, a master kill every $FAILOVER_EVERY s; service built from $SOURCE; $(date -u +%Y-%m-%dT%H:%MZ); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$REPORT"
  echo "HistoryChecker: exit $checker; $(head -1 "$OUT/history-check.txt")"
  echo "service heap in use after a full GC (KiB): before $hb, after 60 s $hw, after $ha"
  echo "service RSS (KiB): before $rb, after 60 s $rw, after $ra"
  echo "service file descriptors: before $fb, after 60 s $fw, after $fa; threads: before $tb, after 60 s $tw, after $ta"
  echo "service log lines at WARN or worse: $PROBLEMS"
} | tee "$OUT/totals.txt"
(( report_status == 0 && load_status == 0 ))
