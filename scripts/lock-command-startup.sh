#!/usr/bin/env bash
# How fast the lock command starts: a cold JVM per run (`java -jar ... lock KEY -- COMMAND`) against
# a running service, from just before `java` to COMMAND started (the lock is granted a few ms
# before), and to the lock command's exit (COMMAND does nothing more). JVM flag sets are
# interleaved, one run of each per round, so that a busy machine slows them alike.
#
#   scripts/lock-command-startup.sh URL [ROUNDS]     (after ./mvnw package; default 10 rounds)
#
# e.g. java -jar target/isp-lock-service.jar --dev & scripts/lock-command-startup.sh http://127.0.0.1:8080
# The AppCDS archive of the lock command's classes is made first, in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

URL=${1:?usage: scripts/lock-command-startup.sh URL [ROUNDS]}
ROUNDS=${2:-10}
JAR=$PWD/target/isp-lock-service.jar
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# JVM warnings (e.g. a CDS archive that does not fit the jar) on stderr: stdout is COMMAND's
QUIET_JVM="-Xlog:disable -Xlog:all=warning:stderr"

java -XX:ArchiveClassesAtExit="$WORK/lock-command.jsa" $QUIET_JVM -jar "$JAR" lock --url "$URL" startup-cds -- true \
  >/dev/null 2>&1
CDS="-XX:SharedArchiveFile=$WORK/lock-command.jsa"

CONFIGS=("-Xshare:off" "" "-XX:TieredStopAtLevel=1" "$CDS" "$CDS -XX:TieredStopAtLevel=1")
declare -A STARTED EXITED
for round in $(seq "$ROUNDS"); do
  for i in "${!CONFIGS[@]}"; do
    rm -f "$WORK/started"
    start=$(date +%s%N)
    # shellcheck disable=SC2086 # the flags are words
    java ${CONFIGS[$i]} $QUIET_JVM -jar "$JAR" lock --url "$URL" "startup-$i-$round" -- \
      sh -c "date +%s%N > '$WORK/started'"
    end=$(date +%s%N)
    STARTED[$i]+="$(( ($(cat "$WORK/started") - start) / 1000000 )) "
    EXITED[$i]+="$(( (end - start) / 1000000 )) "
  done
done

median() { printf '%s\n' $1 | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "medians of $ROUNDS runs (ms), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!CONFIGS[@]}"; do
  flags=${CONFIGS[$i]//$WORK\//}
  printf '%-60s COMMAND started %5s   exit %5s   (started: %s)\n' "${flags:-(no flags)}" \
    "$(median "${STARTED[$i]}")" "$(median "${EXITED[$i]}")" "${STARTED[$i]}"
done
