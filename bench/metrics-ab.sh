#!/usr/bin/env bash
# The cost of metrics, A/B: two service processes on one Redis, metrics.enabled true and false,
# loaded in turn with the uncontended HTTP row (a64), alternating which goes first in each round, so
# that a shared, noisy machine weighs on both alike. Prints each run and, per round, on/off ratios of
# pairs/s and of service CPU per pair; the medians are the answer.
#
#   bash bench/metrics-ab.sh              # 6 rounds of 2 s warm-up + 8 s per side, about 4 minutes
#   ROUNDS=10 DURATION=10 CLIENTS=64 INITIAL_WARMUP=30 bash bench/metrics-ab.sh
#   OFF_JAR=/path/old.jar OFF_METRICS=true bash bench/metrics-ab.sh   # two builds, both with metrics:
#        "on" is SERVICE_JAR, "off" the old build (the columns keep their names)
#   SCENARIO=semaphore bash bench/metrics-ab.sh   # another HTTP row's scenario of the bench jar
#        (uncontended, the default; hotkey, readwrite, semaphore)
#
# Uses target/isp-lock-service.jar and bench/target/isp-lock-bench.jar as they are (build them first:
# ./mvnw -B -q install -DskipTests && ./mvnw -B -q -f bench/pom.xml package), its own redis-server
# on a free port, and stops everything it started.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICE_JAR=${SERVICE_JAR:-$ROOT/target/isp-lock-service.jar}
OFF_JAR=${OFF_JAR:-$SERVICE_JAR}
OFF_METRICS=${OFF_METRICS:-false}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/isp-lock-bench.jar}
ROUNDS=${ROUNDS:-6} WARMUP=${WARMUP:-2} DURATION=${DURATION:-8} CLIENTS=${CLIENTS:-64} SCENARIO=${SCENARIO:-uncontended}
# before the rounds, each service runs this long unrecorded, so that its JIT has compiled the hot path
# (on a starved machine that takes far longer than the usual few seconds)
INITIAL_WARMUP=${INITIAL_WARMUP:-10}
[[ -f "$SERVICE_JAR" && -f "$BENCH_JAR" ]] || { echo "build the jars first (see the header)" >&2; exit 2; }

WORK_NAME=metrics-ab
# shellcheck source=own-redis.sh
source "$ROOT/bench/own-redis.sh"
log() { echo "[metrics-ab $(date +%H:%M:%S)] $*" >&2; }
start_redis

declare -A PORT SERVICE_PID
for side in on off; do
  PORT[$side]=$(free_port)
  [[ $side == on ]] && enabled=true jar=$SERVICE_JAR || enabled=$OFF_METRICS jar=$OFF_JAR
  METRICS_ENABLED=$enabled java -DlogLevel=warn -Dredis.server="127.0.0.1:$REDIS_PORT" -Dredis.prefix="ab-$side" \
    -Dhttp.host=127.0.0.1 -Dhttp.port="${PORT[$side]}" -jar "$jar" --config "$ROOT/conf/config.yaml" \
    >"$WORK/service-$side.log" 2>&1 &
  SERVICE_PID[$side]=$!
  PIDS+=("$!")
done
for side in on off; do
  until curl -fsS -o /dev/null "http://127.0.0.1:${PORT[$side]}/health/ready" 2>/dev/null; do
    kill -0 "${SERVICE_PID[$side]}" || { cat "$WORK/service-$side.log" >&2; exit 1; }
    sleep 0.2
  done
done
# read whole, then searched: grep -q on a pipe would stop reading early and fail curl (pipefail)
SCRAPE=$(curl -fsS "http://127.0.0.1:${PORT[on]}/metrics")
grep -q '^isp_lock_requests_total' <<<"$SCRAPE" || { echo "metrics on: no /metrics" >&2; exit 1; }
if [[ $OFF_METRICS == false ]]; then
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[off]}/metrics") == 404 ]] || { echo "metrics off: /metrics answers" >&2; exit 1; }
fi

run() { # side, id, warm-up, duration
  java -Xms1g -Xmx1g -XX:+UseSerialGC -jar "$BENCH_JAR" "$SCENARIO" --id "$2" --port "${PORT[$1]}" \
    --service-pid "${SERVICE_PID[$1]}" --redis-pid "$REDIS_PID" --quiet-wait 0 --clients "$CLIENTS" \
    --warmup "$3" --duration "$4" --rows "$WORK/rows.jsonl" 2>/dev/null
}
log "warming both services up ($INITIAL_WARMUP s each, not recorded)"
for side in on off; do run "$side" "warm-$side" 0 "$INITIAL_WARMUP"; done
: >"$WORK/rows.jsonl"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then order=(on off); else order=(off on); fi
  for side in "${order[@]}"; do
    log "round $round: metrics $side"
    run "$side" "$side-$round" "$WARMUP" "$DURATION"
  done
done

python3 - "$WORK/rows.jsonl" "$ROUNDS" "$CLIENTS" "$SCENARIO" <<'PY'
import json, statistics, sys
rows = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
rounds, clients, scenario = int(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"| round | on: pairs/s | off: pairs/s | on/off pairs/s | on: CPU s/10k | off: CPU s/10k | on/off CPU per pair | others' share on / off |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
rate, cpu = [], []
for r in range(1, rounds + 1):
    on, off = rows[f"on-{r}"], rows[f"off-{r}"]
    rate.append(on["pairsPerSec"] / off["pairsPerSec"])
    cpu.append(on["cpuPer10k"] / off["cpuPer10k"])
    share = lambda row: f'{row["metrics"].get("othersShare", 0) * 100:.0f} %'
    print(f'| {r} | {on["pairsPerSec"]:,.0f} | {off["pairsPerSec"]:,.0f} | {rate[-1]:.3f} | {on["cpuPer10k"]:.3f} | {off["cpuPer10k"]:.3f} | {cpu[-1]:.3f} | {share(on)} / {share(off)} |')
print()
print(f"{scenario}, {clients} clients, {rounds} rounds: median on/off pairs/s {statistics.median(rate):.3f} (range {min(rate):.3f}..{max(rate):.3f}); "
      f"median on/off service CPU per pair {statistics.median(cpu):.3f} (range {min(cpu):.3f}..{max(cpu):.3f})")
PY
