#!/usr/bin/env bash
# The cost of metrics on the in-process event-bus row (d64t: the service deployed in the benchmark JVM,
# called with typed records as the HTTP verticle calls it), A/B: one benchmark JVM per run, metrics.enabled
# true and false in turn, the order alternating per round. There the service records only its own
# isp_lock_* meters (the benchmark's Vert.x has no metrics SPI), so this isolates the lock engine's
# metrics from Vert.x's. Prints each round's on/off ratios of pairs/s and of the JVM's CPU per pair,
# then their medians.
#
#   bash bench/metrics-ab-eventbus.sh                 # 6 rounds of 5 s warm-up + 8 s per side, about 4 minutes
#   ROUNDS=10 CLIENTS=64 bash bench/metrics-ab-eventbus.sh
#
# Uses target/isp-lock-service.jar and bench/target/isp-lock-bench.jar as they are (build them first,
# see bench/metrics-ab.sh) and its own redis-server on a free port.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICE_JAR=${SERVICE_JAR:-$ROOT/target/isp-lock-service.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/isp-lock-bench.jar}
ROUNDS=${ROUNDS:-6} WARMUP=${WARMUP:-5} DURATION=${DURATION:-8} CLIENTS=${CLIENTS:-64}
[[ -f "$SERVICE_JAR" && -f "$BENCH_JAR" ]] || { echo "build the jars first (see bench/metrics-ab.sh)" >&2; exit 2; }

WORK_NAME=metrics-ab-eventbus
# shellcheck source=own-redis.sh
source "$ROOT/bench/own-redis.sh"
start_redis

: >"$WORK/rows.jsonl"
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then order=(on off); else order=(off on); fi
  for side in "${order[@]}"; do
    echo "[metrics-ab-eventbus $(date +%H:%M:%S)] round $round: metrics $side" >&2
    [[ $side == on ]] && enabled=true || enabled=false
    METRICS_ENABLED=$enabled java -Xms1g -Xmx1g -cp "$SERVICE_JAR:$BENCH_JAR" io.isp.lock.bench.Main eventbus --typed true \
      --id "$side-$round" --redis "127.0.0.1:$REDIS_PORT" --redis-pid "$REDIS_PID" --quiet-wait 0 --clients "$CLIENTS" \
      --warmup "$WARMUP" --duration "$DURATION" --rows "$WORK/rows.jsonl" >/dev/null 2>&1
    redis-cli -p "$REDIS_PORT" FLUSHALL >/dev/null
  done
done

python3 - "$WORK/rows.jsonl" "$ROUNDS" "$CLIENTS" <<'PY'
import json, statistics, sys
rows = {r["id"]: r for r in map(json.loads, open(sys.argv[1]))}
rounds, clients = int(sys.argv[2]), sys.argv[3]
print("| round | on: pairs/s | off: pairs/s | on/off pairs/s | on/off JVM CPU per pair |")
print("| ---: | ---: | ---: | ---: | ---: |")
rate, cpu = [], []
for r in range(1, rounds + 1):
    on, off = rows[f"on-{r}"], rows[f"off-{r}"]
    rate.append(on["pairsPerSec"] / off["pairsPerSec"])
    cpu.append(on["cpuPer10k"] / off["cpuPer10k"])
    print(f'| {r} | {on["pairsPerSec"]:,.0f} | {off["pairsPerSec"]:,.0f} | {rate[-1]:.3f} | {cpu[-1]:.3f} |')
print()
print(f"d{clients}t (event bus, in process), {rounds} rounds: median on/off pairs/s {statistics.median(rate):.3f} "
      f"(range {min(rate):.3f}..{max(rate):.3f}); median on/off CPU per pair {statistics.median(cpu):.3f} "
      f"(range {min(cpu):.3f}..{max(cpu):.3f})")
PY
