#!/usr/bin/env bash
# Prepares podman on a Debian machine without a Docker engine or an image registry, as measured in
# the shared containers recipe, and cleans up what it started.
#
#   scripts/containers.sh [up]     install podman, build the base image and the stand-ins, start the
#                                  Docker-compatible API socket (each step is skipped when done already)
#   scripts/containers.sh down     stop what this script and the checks started: test, smoke and
#                                  compose containers, and the API service (by its recorded PID)
#   scripts/containers.sh purge    down, then remove the stand-in images and the base image too
#
# Stand-ins: there is no registry, so the images the Dockerfile's FROM lines and the compose file's
# image: lines name are built here from Debian packages and tagged with the official names. They
# check the image's own logic (layers, user, ports, health check, entrypoint), not Temurin or the
# official Redis build themselves.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
cd "$(dirname "$0")/.."

STATE_DIR=${ISP_CONTAINERS_STATE:-/run/isp-lock-containers}
SOCKET_PATH=/run/podman/podman.sock
BASE_IMAGE=localhost/debian-base
# netavark and aardvark-dns: containers on a compose network find each other by service name
# (Debian's podman otherwise falls back to CNI, without name resolution). iptables: netavark sets up
# every network with it, and a host without it fails each build's RUN step with "netavark: No such
# file or directory" (seen on a fresh machine, 2026-11-30).
PACKAGES=(podman podman-compose debootstrap uidmap slirp4netns fuse-overlayfs runc netavark aardvark-dns iptables)
# Written only when absent or ours: this root may not raise resource limits (podman's default
# ulimits would fail every container) and the cgroups are hybrid (crun wants v2; runc copes);
# netavark for name resolution on compose networks.
CONF_FILE=/etc/containers/containers.conf
CONF_MARKER="# written by isp-lock-service scripts/containers.sh"

# shellcheck source=scripts/lib-check.sh
. scripts/lib-check.sh

step() {
  local name=$1
  shift
  check "containers: $name" "$@"
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    echo "note: already installed"
    return
  fi
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
  echo "note: installed ${missing[*]}"
}

configure_podman() {
  if [[ -f $CONF_FILE ]] && ! grep -qF "$CONF_MARKER" "$CONF_FILE"; then
    echo "note: $CONF_FILE exists and is not ours, left unchanged"
    return
  fi
  mkdir -p "$(dirname "$CONF_FILE")"
  cat >"$CONF_FILE" <<EOF
$CONF_MARKER
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
[network]
network_backend = "netavark"
EOF
  # A bridge left by podman's CNI backend (podman used before netavark was installed) holds the
  # same default subnet, 10.88.0.0/16, and would take the route netavark's containers need.
  if command -v ip >/dev/null && ip link show cni-podman0 >/dev/null 2>&1 && [[ $(podman info --format '{{.Host.NetworkBackend}}') == netavark ]]; then
    ip link delete cni-podman0
    echo "note: removed the stale CNI bridge cni-podman0"
  fi
  podman info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}} {{.Host.NetworkBackend}}' \
    | sed 's/^/note: runtime, storage, network: /'
}

# The Debian mirror apt already uses (deb822 or one-line sources), not the security archive.
debian_mirror() {
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {print $2}' \
    | grep -v -e security -e '^#' | grep -E '/debian/?$' | head -n 1 || true)
  if [[ -z $uri ]]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" {print $2}' \
      | grep -v security | grep -E '/debian/?$' | head -n 1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

suite() {
  (. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
}

base_image() {
  local ref
  ref="$BASE_IMAGE:$(suite)"
  if podman image exists "$ref"; then
    echo "note: $ref reused"
    return
  fi
  local root mirror
  root=$(mktemp -d /var/tmp/debian-base.XXXXXX)
  mirror=$(debian_mirror)
  debootstrap --variant=minbase "$(suite)" "$root" "$mirror"
  # As in Debian's official images: packages installed during image builds never start services.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  rm -rf "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
  tar -C "$root" -c . | podman import --change 'CMD ["bash"]' - "$ref"
  rm -rf "$root"
  echo "note: $ref from $mirror"
}

# image references the Dockerfile's FROM lines, the compose file's image: lines and the tests name, with
# stage names and images built by compose itself left out, normalised to registry/repo:tag.
named_images() {
  local stages
  stages=$(awk 'toupper($1) == "FROM" && toupper($3) == "AS" {print $4}' Dockerfile)
  {
    awk 'toupper($1) == "FROM" {print $2}' Dockerfile
    compose_images
    # the image the tests' Redis fixtures run (support/ContainerPath.java)
    echo "${ISP_TEST_REDIS_IMAGE:-redis:7}"
  } | while read -r ref; do
    [[ -z $ref || $ref == scratch ]] && continue
    grep -qxF "$ref" <<<"$stages" && continue
    normalise "$ref"
  done | sort -u
}

# image: of each compose service, except an image a service builds (python3 and its yaml module
# come with podman-compose; the file's anchors and merge keys defeat a line-based reading).
compose_images() {
  [[ -f docker-compose.yml ]] || return 0
  python3 - docker-compose.yml <<'EOF'
import sys, yaml
services = (yaml.safe_load(open(sys.argv[1])) or {}).get("services") or {}
built = {s.get("image") for s in services.values() if isinstance(s, dict) and s.get("build")}
for svc in services.values():
    if isinstance(svc, dict) and svc.get("image") and svc["image"] not in built:
        print(svc["image"])
EOF
}

normalise() {
  local ref=$1 first=${1%%/*}
  if [[ $ref != */* ]]; then
    ref="docker.io/library/$ref"
  elif [[ $first != *.* && $first != *:* && $first != localhost ]]; then
    ref="docker.io/$ref"
  fi
  [[ ${ref##*/} == *:* || $ref == *@* ]] || ref="$ref:latest"
  echo "$ref"
}

# What Debian packages stand in for an image; empty for images this script does not know (e.g.
# the service image compose builds itself).
recipe_for() {
  local ref=$1 repo tag major
  repo=${ref%:*}
  tag=${ref##*:}
  major=$(grep -oE '^[0-9]+' <<<"$tag" || true)
  case "$repo" in
    docker.io/library/redis) echo redis ;;
    docker.io/library/eclipse-temurin)
      [[ -n $major ]] || major=17
      if [[ $tag == *jdk* ]]; then echo "jdk $major"; else echo "jre $major"; fi ;;
    *) echo "" ;;
  esac
}

containerfile() {
  local base=$1 kind=$2 major=${3:-}
  cat <<EOF
FROM $base
LABEL io.isp.lock.stand-in="true"
COPY certs/ /usr/local/share/ca-certificates/
EOF
  case $kind in
    redis)
      # The official image's defaults: protected mode off (it is compiled in there; a wrapper here),
      # /data as working directory, redis-server as command, port 6379.
      cat <<'EOF'
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
COPY redis-server /usr/local/bin/redis-server
WORKDIR /data
EXPOSE 6379
CMD ["redis-server"]
EOF
      ;;
    jdk | jre)
      # The Temurin images are Ubuntu with curl and wget (health checks use them), a JDK or JRE
      # at /opt/java/openjdk on PATH, and JAVA_HOME set.
      local pkg="openjdk-$major-$kind-headless"
      cat <<EOF
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl wget p11-kit tzdata \\
 && apt-get install -y --no-install-recommends $pkg ca-certificates-java \\
 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /opt/java && ln -s "\$(dirname "\$(dirname "\$(readlink -f /usr/bin/java)")")" /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk LANG=C.UTF-8
CMD ["jshell"]
EOF
      ;;
  esac
}

stand_ins() {
  local base ref recipe
  base="$BASE_IMAGE:$(suite)"
  local built=() reused=() unknown=()
  for ref in $(named_images); do
    recipe=$(recipe_for "$ref")
    if [[ -z $recipe ]]; then
      unknown+=("$ref")
      continue
    fi
    if podman image exists "$ref"; then
      reused+=("$ref")
      continue
    fi
    local ctx
    ctx=$(mktemp -d)
    mkdir -p "$ctx/certs"
    cp /usr/local/share/ca-certificates/*.crt "$ctx/certs/" 2>/dev/null || true
    cat >"$ctx/redis-server" <<'EOF'
#!/bin/sh
# Stand-in for the official image's build, which compiles protected mode off: a container is
# meant to be reached from outside its loopback interface.
case "$1" in
  -v | --version | -h | --help | --test-memory) exec /usr/bin/redis-server "$@" ;;
  "" | -*) exec /usr/bin/redis-server --protected-mode no "$@" ;;
  *) conf=$1; shift; exec /usr/bin/redis-server "$conf" --protected-mode no "$@" ;;
esac
EOF
    chmod 755 "$ctx/redis-server"
    # shellcheck disable=SC2086 # recipe is "kind [major]"
    containerfile "$base" $recipe >"$ctx/Containerfile"
    podman build --pull=never -q -t "$ref" -f "$ctx/Containerfile" "$ctx"
    rm -rf "$ctx"
    built+=("$ref")
  done
  echo "note: STAND-INS from Debian packages, not the official images"
  ((${#built[@]} == 0)) || echo "note: built ${built[*]}"
  ((${#reused[@]} == 0)) || echo "note: reused ${reused[*]}"
  ((${#unknown[@]} == 0)) || echo "note: no stand-in needed/known for ${unknown[*]}"
}

api_socket() {
  mkdir -p "$STATE_DIR" "$(dirname "$SOCKET_PATH")"
  local pidfile="$STATE_DIR/podman-service.pid"
  if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && ping_socket; then
    echo "note: reused, pid $(cat "$pidfile")"
    return
  fi
  if ping_socket; then
    echo "note: $SOCKET_PATH already served by another process, used as is"
    return
  fi
  rm -f "$SOCKET_PATH"
  nohup podman system service --time=0 "unix://$SOCKET_PATH" >"$STATE_DIR/podman-service.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 100); do
    ping_socket && { echo "note: unix://$SOCKET_PATH, pid $(cat "$pidfile")"; return; }
    kill -0 "$(cat "$pidfile")" 2>/dev/null || break
    sleep 0.1
  done
  echo "the podman API service did not answer on $SOCKET_PATH within 10 s"
  cat "$STATE_DIR/podman-service.log"
  return 1
}

ping_socket() {
  [[ -S $SOCKET_PATH ]] && curl -fsS --max-time 2 --unix-socket "$SOCKET_PATH" http://d/_ping >/dev/null 2>&1
}

remove_containers() {
  local ids
  # Testcontainers (Ryuk is off, so leftovers of a killed test JVM), the image smoke and compose.
  ids=$( {
    podman ps -aq --filter label=org.testcontainers=true
    podman ps -aq --filter label=io.isp.lock.check=true
    podman ps -aq --filter label=io.podman.compose.project=isp-lock-check
  } | sort -u)
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086
    podman rm -f -t 5 $ids >/dev/null
    echo "note: removed $(wc -w <<<"$ids") container(s)"
  fi
  podman pod ls -q --filter label=io.isp.lock.check=true | xargs -r podman pod rm -f >/dev/null
  { podman network ls -q --filter label=io.podman.compose.project=isp-lock-check
    podman network ls -q --filter label=io.isp.lock.check=true; } | xargs -r podman network rm -f >/dev/null
}

stop_api_socket() {
  local pidfile="$STATE_DIR/podman-service.pid"
  [[ -f $pidfile ]] || { echo "note: not started by this script"; return; }
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == podman ]]; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "note: stopped pid $pid"
  fi
  rm -f "$pidfile"
}

remove_images() {
  local ref
  # children first: the images built on the stand-ins (the smoke's and compose's), then the
  # stand-ins, then the base; then the dangling layers the builds left
  for ref in "${ISP_IMAGE:-localhost/isp-lock-service:ci}" $(compose_built_images); do
    podman image exists "$ref" && podman rmi -f "$ref" >/dev/null
  done
  podman images -q --filter label=io.isp.lock.stand-in=true | sort -u | xargs -r podman rmi -f >/dev/null
  podman rmi -f "$BASE_IMAGE:$(suite)" >/dev/null 2>&1 || true
  podman image prune -f >/dev/null
  echo "note: service, stand-in and base images removed"
}

# image: of the compose services that build it
compose_built_images() {
  [[ -f docker-compose.yml ]] || return 0
  python3 - docker-compose.yml <<'EOF'
import sys, yaml
services = (yaml.safe_load(open(sys.argv[1])) or {}).get("services") or {}
for s in services.values():
    if isinstance(s, dict) and s.get("build") and s.get("image"):
        print(s["image"])
EOF
}

case ${1:-up} in
  up)
    [[ $(id -u) == 0 ]] || { echo "containers: needs root (apt-get, /run/podman)"; exit 1; }
    step "install podman" install_packages
    step "configure podman" configure_podman
    step "base image" base_image
    step "stand-in images" stand_ins
    step "API socket" api_socket
    ;;
  down)
    command -v podman >/dev/null || { echo "containers: no podman, nothing to clean up"; exit 0; }
    step "remove containers" remove_containers
    step "stop API socket" stop_api_socket
    ;;
  purge)
    "$0" down
    step "remove images" remove_images
    ;;
  *)
    echo "usage: $0 [up|down|purge]" >&2
    exit 2
    ;;
esac
