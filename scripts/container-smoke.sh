#!/usr/bin/env bash
# Builds the service image from the repository's Dockerfile, unchanged, with podman and runs it:
# it must become healthy by its own HEALTHCHECK, run as the numeric non-root user, take its config
# from the environment and from a mounted file, serve a lock and an unlock on a port published on
# 127.0.0.1, and stop within its grace period on SIGTERM with exit status 0.
#
#   scripts/container-smoke.sh          (after scripts/containers.sh; prints one line per step)
#
# Environment: ISP_IMAGE (default localhost/isp-lock-service:ci), SMOKE_BUILD=0 to reuse that image,
# SMOKE_GRACE (seconds podman stop waits before SIGKILL; default 20).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${ISP_IMAGE:-localhost/isp-lock-service:ci}
GRACE=${SMOKE_GRACE:-20}
NAME=isp-lock-smoke
NET=isp-lock-smoke
REDIS=isp-lock-smoke-redis
LABEL=io.isp.lock.check=true
API=/api/isp-lock-service
WORK=$(mktemp -d)

# shellcheck source=scripts/lib-check.sh
. scripts/lib-check.sh

cleanup() {
  podman rm -f -t 2 "$NAME" "$REDIS" >/dev/null 2>&1 || true
  podman network rm -f "$NET" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

build() {
  if [[ ${SMOKE_BUILD:-1} == 0 ]] && podman image exists "$IMAGE"; then
    echo "note: reused $IMAGE"
    return
  fi
  # --format docker: the OCI image format has no HEALTHCHECK, podman would drop it.
  timeout "${BUILD_TIMEOUT:-900}" podman build --pull=never --format docker -t "$IMAGE" .
  echo "note: $IMAGE on stand-in bases ($(grep -iE '^FROM' Dockerfile | awk '{print $2}' | sort -u | paste -sd' ' -))"
}

start() {
  cleanup
  mkdir -p "$WORK"
  podman network create --label "$LABEL" "$NET" >/dev/null
  podman run -d --name "$REDIS" --label "$LABEL" --network "$NET" --pull=never docker.io/library/redis:7 \
    redis-server --save '' --appendonly no >/dev/null
  # The file gives what the environment does not: a prefix and an API token, so that a lock with
  # that token, stored under that prefix, proves the file was read; the environment names Redis.
  sed -e 's/^  prefix: .*/  prefix: smoke-from-file/' -e 's/^  tokens: \[\]/  tokens: [smoke-token]/' \
    conf/config.yaml >"$WORK/config.yaml"
  if ! grep -q 'prefix: smoke-from-file' "$WORK/config.yaml" || ! grep -q 'tokens: \[smoke-token\]' "$WORK/config.yaml"; then
    echo "could not derive the test config from conf/config.yaml (its redis.prefix / http.tokens lines changed?)"
    return 1
  fi
  chmod 755 "$WORK"
  chmod 644 "$WORK/config.yaml"
  podman run -d --name "$NAME" --label "$LABEL" --network "$NET" --pull=never \
    -p 127.0.0.1::8080 \
    -v "$WORK/config.yaml:/app/conf/config.yaml:ro" \
    -e REDIS_SERVER="$REDIS:6379" \
    "$IMAGE" >/dev/null
  PORT=$(podman port "$NAME" 8080/tcp | head -n 1 | sed 's/.*://')
  echo "$PORT" >"$WORK/port"
  echo "note: published on $(podman port "$NAME" 8080/tcp | head -n 1)"
}

healthy() {
  local has
  has=$(podman image inspect --format '{{if .HealthCheck}}yes{{end}}' "$IMAGE")
  [[ $has == yes ]] || { echo "the image has no HEALTHCHECK (built with --format docker?)"; return 1; }
  await_healthy "$NAME" 90
  echo "note: $(podman image inspect --format '{{json .HealthCheck.Test}}' "$IMAGE" | tr -s ' ')"
  echo "note: run by podman healthcheck run (podman's own timers need systemd)"
}

non_root() {
  local uid user
  uid=$(podman exec "$NAME" id -u)
  user=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
  [[ $uid == 10001 ]] || { echo "process runs as uid $uid, not 10001 (image USER '$user')"; return 1; }
  echo "note: id -u = $uid, image USER $user"
}

lock_unlock() {
  local port base lock lockkey stored
  port=$(cat "$WORK/port")
  base="http://127.0.0.1:$port$API"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$base/lock" -H 'Content-Type: application/json' \
    -d '{"key":"smoke","ttl":30}')
  [[ $code == 401 ]] || { echo "without the file's token: HTTP $code, expected 401"; return 1; }
  lock=$(curl -sf --max-time 10 -X POST "$base/lock" -H 'Content-Type: application/json' \
    -H 'X-Application-Token: smoke-token' -d '{"key":"smoke","ttl":30}')
  lockkey=$(sed -E 's/.*"lockKey":"([^"]+)".*/\1/' <<<"$lock")
  [[ -n $lockkey && $lockkey != "$lock" ]] || { echo "lock answered $lock"; return 1; }
  stored=$(podman exec "$REDIS" redis-cli GET smoke-from-file::smoke)
  [[ $stored == "$lockkey" ]] || { echo "Redis has '$stored' at smoke-from-file::smoke, expected $lockkey"; return 1; }
  curl -sf --max-time 10 -X POST "$base/unlock" -H 'Content-Type: application/json' \
    -H 'X-Application-Token: smoke-token' -d "{\"key\":\"smoke\",\"lockKey\":\"$lockkey\"}" >/dev/null \
    || { echo "unlock failed"; return 1; }
  stored=$(podman exec "$REDIS" redis-cli EXISTS smoke-from-file::smoke)
  [[ $stored == 0 ]] || { echo "the lock is still in Redis after unlock"; return 1; }
  echo "note: 401 without token, lock + unlock with the file's token, key under the file's prefix in the env's Redis"
}

sigterm() {
  local start took code
  start=$(date +%s)
  podman stop -t "$GRACE" "$NAME" >/dev/null
  took=$(($(date +%s) - start))
  code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME")
  if [[ $code != 0 ]]; then
    echo "exit status $code after podman stop -t $GRACE (137 = killed after the grace period)"
    podman logs --tail 30 "$NAME"
    return 1
  fi
  ((took < GRACE)) || { echo "took $took s, not within the $GRACE s grace period"; return 1; }
  echo "note: exit 0 in $took s (grace $GRACE s)"
}

check "containers: image build" build
check "containers: image start (env + mounted config)" start
check "containers: image healthy (own HEALTHCHECK)" healthy
check "containers: image runs as uid 10001" non_root
check "containers: image lock/unlock on 127.0.0.1" lock_unlock
check "containers: image SIGTERM stop" sigterm
