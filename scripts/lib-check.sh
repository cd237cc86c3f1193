# shellcheck shell=bash
# Shared by the container scripts (sourced): one output line per step, bounded waits.

# check LABEL FUNCTION [ARGS]: runs it, prints "LABEL ... ok (N s)" plus any "note: " lines it
# printed, or "LABEL ... FAILED (N s)" and the tail of its output; returns its status.
check() {
  local label=$1
  shift
  local log start rc took note
  log=$(mktemp)
  start=$(date +%s)
  # In the background so that set -e holds inside the step (it is off in an if condition).
  "$@" >"$log" 2>&1 &
  if wait $!; then rc=0; else rc=$?; fi
  took=$(($(date +%s) - start))
  if ((rc == 0)); then
    note=$(grep -h '^note: ' "$log" | sed 's/^note: //' | paste -sd ';' - || true)
    echo "$label ... ok ($took s)${note:+ - ${note//;/; }}"
  else
    echo "$label ... FAILED ($took s), output follows"
    tail -n 60 "$log" | sed 's/^/  | /'
  fi
  rm -f "$log"
  return "$rc"
}

# await_healthy CONTAINER TIMEOUT_S: runs the container's own HEALTHCHECK with `podman healthcheck
# run` (podman schedules health checks with systemd timers, and there is no systemd here) until it
# reports healthy; fails when the container exits or the timeout passes.
await_healthy() {
  local name=$1 timeout=$2 deadline status
  deadline=$(($(date +%s) + timeout))
  while :; do
    if [[ $(podman inspect --format '{{.State.Running}}' "$name") != true ]]; then
      echo "$name exited (status $(podman inspect --format '{{.State.ExitCode}}' "$name")) before it was healthy"
      podman logs --tail 40 "$name"
      return 1
    fi
    podman healthcheck run "$name" >/dev/null 2>&1 || true
    status=$(podman inspect --format '{{.State.Health.Status}}' "$name")
    [[ $status == healthy ]] && return 0
    if (($(date +%s) >= deadline)); then
      echo "$name not healthy within $timeout s (status: $status)"
      podman inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{"\n"}}{{end}}' "$name" | tail -n 5
      podman logs --tail 40 "$name"
      return 1
    fi
    sleep 1
  done
}
