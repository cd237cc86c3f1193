#!/usr/bin/env bash
# Brings up docker-compose.yml with podman-compose and checks it: every service healthy (running,
# for one without a health check), a lock through the edge node, the Redis master stopped -> the
# Sentinels fail over, the lock nodes follow and the edge serves again, then `down` leaves nothing.
#
#   scripts/compose-check.sh        (after scripts/containers.sh; prints one line per step)
#
# Every wait is bounded; COMPOSE_TIMEOUT (default 120 s) bounds each.
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=isp-lock-check
TIMEOUT=${COMPOSE_TIMEOUT:-120}
API=/api/isp-lock-service
COMPOSE=(podman-compose -p "$PROJECT" -f docker-compose.yml)
# podman-compose builds with plain `podman build`: the Docker image format keeps HEALTHCHECK (the
# OCI one drops it), and matches the smoke build's, whose cached layers it then reuses.
export BUILDAH_FORMAT=docker
STATE=$(mktemp -d)

# shellcheck source=scripts/lib-check.sh
. scripts/lib-check.sh

containers() {
  podman ps -a --filter "label=io.podman.compose.project=$PROJECT" --format '{{.Names}}' "$@"
}

# the container of a compose service (its first replica)
container_of() {
  podman ps -a --filter "label=io.podman.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1
}

down() {
  timeout 300 "${COMPOSE[@]}" down -t 10 >/dev/null 2>&1 || true
  remove_networks
}

# podman-compose 1.0 (Debian 12) leaves the project's network behind on down.
remove_networks() {
  podman network ls -q --filter "label=io.podman.compose.project=$PROJECT" | xargs -r podman network rm -f >/dev/null
}

final_cleanup() {
  if [[ -n $(containers -q) ]]; then
    down
  fi
  rm -rf "$STATE"
}
trap final_cleanup EXIT

up() {
  down
  timeout "${BUILD_TIMEOUT:-900}" "${COMPOSE[@]}" up -d --build
  echo "note: $(containers | wc -l) containers"
}

all_healthy() {
  local c deadline has
  deadline=$(($(date +%s) + TIMEOUT))
  for c in $(containers); do
    has=$(podman inspect --format '{{if .Config.Healthcheck}}yes{{end}}' "$c")
    if [[ $has == yes ]]; then
      await_healthy "$c" $((deadline - $(date +%s) > 5 ? deadline - $(date +%s) : 5))
    elif [[ $(podman inspect --format '{{.State.Running}}' "$c") != true ]]; then
      echo "$c is not running"
      podman logs --tail 30 "$c"
      return 1
    fi
  done
  local checked
  checked=$(for c in $(containers); do podman inspect --format '{{if .Config.Healthcheck}}{{.Name}}{{end}}' "$c"; done | wc -w)
  echo "note: $(containers | wc -l) running, $checked of them healthy by their own health check"
}

edge_url() {
  local edge port
  edge=$(container_of edge)
  [[ -n $edge ]] || { echo "no edge service in docker-compose.yml" >&2; return 1; }
  port=$(podman port "$edge" 8080/tcp | head -n 1)
  [[ -n $port ]] || { echo "edge publishes no port for 8080" >&2; return 1; }
  echo "http://${port/0.0.0.0/127.0.0.1}$API"
}

# One lock and unlock through the edge; retried until TIMEOUT (the cluster forms, Redis fails over).
lock_via_edge() {
  local key=$1 url deadline lock lockkey
  url=$(edge_url)
  deadline=$(($(date +%s) + TIMEOUT))
  while :; do
    lock=$(curl -s --max-time 10 -X POST "$url/lock" -H 'Content-Type: application/json' \
      -d "{\"key\":\"$key\",\"ttl\":30,\"waitTimeout\":1}" || true)
    lockkey=$(sed -nE 's/.*"lockKey":"([^"]+)".*/\1/p' <<<"$lock")
    if [[ -n $lockkey ]]; then
      curl -sf --max-time 10 -X POST "$url/unlock" -H 'Content-Type: application/json' \
        -d "{\"key\":\"$key\",\"lockKey\":\"$lockkey\"}" >/dev/null || { echo "unlock of $key failed"; return 1; }
      echo "note: lock + unlock of $key via ${url%%"$API"}"
      return 0
    fi
    if (($(date +%s) >= deadline)); then
      echo "no lock of $key through the edge within $TIMEOUT s; last answer: $lock"
      for s in edge lock-1 lock-2; do echo "--- $s"; podman logs --tail 15 "$(container_of "$s")" 2>&1; done
      return 1
    fi
    sleep 1
  done
}

sentinel_master() {
  podman exec "$(container_of sentinel-1)" redis-cli -p 26379 SENTINEL get-master-addr-by-name mymaster | head -n 1
}

stop_master() {
  local before deadline now
  before=$(sentinel_master)
  [[ -n $before ]] || { echo "sentinel-1 names no master"; return 1; }
  echo "$before" >"$STATE/old-master"
  podman stop -t 0 "$(container_of redis-master)" >/dev/null
  deadline=$(($(date +%s) + TIMEOUT))
  while :; do
    now=$(sentinel_master 2>/dev/null || true)
    if [[ -n $now && $now != "$before" ]]; then
      echo "note: Sentinels moved the master from $before to $now"
      return 0
    fi
    if (($(date +%s) >= deadline)); then
      echo "the Sentinels did not fail over from $before within $TIMEOUT s"
      podman logs --tail 20 "$(container_of sentinel-1)"
      return 1
    fi
    sleep 1
  done
}

down_clean() {
  timeout 300 "${COMPOSE[@]}" down -t 10 >/dev/null
  remove_networks
  local left
  left=$(containers)
  [[ -z $left ]] || { echo "still there after down: $left"; return 1; }
  left=$(podman network ls --format '{{.Name}}' --filter "label=io.podman.compose.project=$PROJECT")
  [[ -z $left ]] || { echo "networks still there after down: $left"; return 1; }
  echo "note: no container or network of project $PROJECT left"
}

rc=0
check "containers: compose up" up || rc=1
((rc)) || check "containers: compose all healthy" all_healthy || rc=1
((rc)) || check "containers: compose lock via edge" lock_via_edge compose-before || rc=1
((rc)) || check "containers: compose master stopped, Sentinel failover" stop_master || rc=1
((rc)) || check "containers: compose lock via edge after failover" lock_via_edge compose-after || rc=1
check "containers: compose down" down_clean || rc=1
exit "$rc"
