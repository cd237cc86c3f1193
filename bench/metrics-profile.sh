#!/usr/bin/env bash
# Where the service's time goes with metrics on: one service process (metrics.enabled true) under
# the uncontended HTTP row (a64), recorded by Java Flight Recorder after a warm-up, and the share of
# the service's Java samples spent in metrics code, by the place in the service (or vertx-micrometer)
# that called it. A sample counts as metrics when the first frame above the JDK and Micrometer ones is
# ours in io.isp.lock.metrics, HoldTimes or vertx-micrometer, or when Micrometer is on the stack.
#
#   bash bench/metrics-profile.sh                     # 25 s warm-up, 60 s recorded
#   WARMUP=40 DURATION=120 SERVICE_JAR=/tmp/old.jar bash bench/metrics-profile.sh
#
# Uses target/isp-lock-service.jar and bench/target/isp-lock-bench.jar as they are (build them first,
# see bench/metrics-ab.sh), its own redis-server on a free port, and stops everything it started.
# JFR samples only threads running Java code (not those in the kernel), a few thousand a minute:
# differences under a percentage point between two runs are noise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICE_JAR=${SERVICE_JAR:-$ROOT/target/isp-lock-service.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/isp-lock-bench.jar}
WARMUP=${WARMUP:-25} DURATION=${DURATION:-60} CLIENTS=${CLIENTS:-64}
[[ -f "$SERVICE_JAR" && -f "$BENCH_JAR" ]] || { echo "build the jars first (see bench/metrics-ab.sh)" >&2; exit 2; }

WORK_NAME=metrics-profile
# shellcheck source=own-redis.sh
source "$ROOT/bench/own-redis.sh"
start_redis
PORT=$(free_port)
METRICS_ENABLED=true java -XX:StartFlightRecording=filename="$WORK/service.jfr",settings=profile,delay="${WARMUP}s",duration="${DURATION}s" \
  -DlogLevel=warn -Dredis.server="127.0.0.1:$REDIS_PORT" -Dredis.prefix=profile -Dhttp.host=127.0.0.1 -Dhttp.port="$PORT" \
  -jar "$SERVICE_JAR" --config "$ROOT/conf/config.yaml" >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
PIDS+=("$SERVICE_PID")
until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; do
  kill -0 "$SERVICE_PID" || { cat "$WORK/service.log" >&2; exit 1; }
  sleep 0.2
done
echo "[metrics-profile] a$CLIENTS: ${WARMUP} s warm-up, ${DURATION} s recorded" >&2
java -Xms1g -Xmx1g -XX:+UseSerialGC -jar "$BENCH_JAR" uncontended --id profile --port "$PORT" --service-pid "$SERVICE_PID" \
  --quiet-wait 0 --clients "$CLIENTS" --warmup "$WARMUP" --duration "$DURATION" --rows "$WORK/rows.jsonl" >/dev/null 2>&1
until [[ -s "$WORK/service.jfr" ]]; do
  kill -0 "$SERVICE_PID" || { echo "the service stopped before its recording was written" >&2; exit 1; }
  sleep 0.5
done
sleep 1

jfr print --json --stack-depth 200 --events jdk.ExecutionSample "$WORK/service.jfr" >"$WORK/samples.json"
python3 - "$WORK/samples.json" "$WORK/rows.jsonl" <<'PY'
import collections, json, sys
events = json.load(open(sys.argv[1]))["recording"]["events"]
row = json.loads(open(sys.argv[2]).readline())
ours = ("io.isp.lock.metrics.", "io.isp.lock.engine.HoldTimes", "io.vertx.micrometer.")
by_caller, in_metrics = collections.Counter(), 0
for event in events:
    frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
              for f in event["values"]["stackTrace"]["frames"]]
    micrometer, caller = False, None
    for frame in frames:
        if frame.startswith("io.micrometer."):
            micrometer = True
        elif not frame.startswith(("java.", "jdk.", "sun.")):
            caller = frame
            break
    if micrometer or (caller or "").startswith(ours):
        in_metrics += 1
        by_caller[caller] += 1
total = max(len(events), 1)
print(f"a{row.get('clients', '')}: {row['pairsPerSec']:,.0f} pairs/s, service CPU {row['cpuPer10k']:.3f} s per 10k pairs")
print(f"{len(events)} Java samples of the service, {in_metrics} in metrics code: {100 * in_metrics / total:.1f} %")
print()
print("| share of samples | called from |")
print("| ---: | --- |")
for caller, count in by_caller.most_common(15):
    print(f"| {100 * count / total:.2f} % | {caller} |")
PY
