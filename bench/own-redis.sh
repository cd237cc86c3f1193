# Sourced by bench/metrics-ab*.sh and bench/metrics-profile.sh (set WORK_NAME first): a work directory,
# removed at exit together with every process whose pid is in PIDS; free_port; and start_redis, which
# starts a redis-server of the script's own on a free port (REDIS_PORT, REDIS_PID), never 6379's.

WORK=$(mktemp -d "/tmp/isp-lock-$WORK_NAME.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# A TCP port nobody listens on, below the ephemeral range so no client socket takes it meanwhile.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    if [[ -z "$(ss -Hltn "sport = :$port")" ]]; then echo "$port"; return 0; fi
  done
  exit 1
}

start_redis() {
  REDIS_PORT=$(free_port)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  until redis-cli -p "$REDIS_PORT" PING >/dev/null 2>&1; do sleep 0.1; done
}
