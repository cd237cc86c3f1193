# isp-lock-service container image: built with the project's Maven wrapper on a JDK, run on a JRE.
#   docker build -t isp-lock-service:local .        (podman build works the same)
#   docker run --rm -p 127.0.0.1:8080:8080 -e REDIS_SERVER=redis.example:6379 isp-lock-service:local
# README, "Container", says how to mount a config file and secrets.
#
# Base images are pinned to a Temurin release (17.0.13+11) on Ubuntu 24.04 (noble), so a rebuild
# gets the same JDK; bump both stages together. The runtime image ships curl (adoptium/containers
# keeps it "for historical reasons", issue 255), which the HEALTHCHECK uses: check it is still
# there when bumping.

FROM eclipse-temurin:17.0.13_11-jdk-noble AS build
WORKDIR /src
# Dependencies first, in a layer of their own: it is rebuilt only when pom.xml or the wrapper
# changes, not on every source edit. resolve + resolve-plugins fetch what `package` needs
# (go-offline misses plugin dependencies resolved at run time).
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:resolve dependency:resolve-plugins
COPY src src
# The tests need redis-server processes and run in CI, not here.
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17.0.13_11-jre-noble
# A fixed numeric user and group (USER below is numeric, so Kubernetes' runAsNonRoot can verify it
# without reading /etc/passwd); the name is only for ps and whoami.
RUN groupadd --system --gid 10001 lock \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin lock
WORKDIR /app
# The shaded jar (~36 MB) also embeds redis-server binaries for --dev; unused here, left in on purpose.
COPY --from=build /src/target/isp-lock-service.jar /app/isp-lock-service.jar
# Defaults for every key; mount your own file over /app/conf/config.yaml, or set environment
# variables (REDIS_SERVER, HTTP_TOKENSFILE, ...), which win over the file.
COPY conf /app/conf
USER 10001:10001
# Heap sized from the container's memory limit; an OutOfMemoryError ends the process (exit 3) so
# the orchestrator restarts it, instead of leaving a half-working JVM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# 8080 HTTP (http.port); 5701 Hazelcast (cluster.port) and 5702 the event bus (cluster.eventBusPort,
# when set to it) in cluster mode; management.port has no default. EXPOSE documents; it opens nothing.
EXPOSE 8080 5701 5702
# Liveness only: readiness (/health/ready) depends on Redis, and an unready node must not be restarted.
# /health/* is on management.port when that is set (MANAGEMENT_PORT), else on http.port. Set
# HEALTHCHECK_URL when those come from a mounted file instead, or with http.tls.* (https://...).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -k -o /dev/null --max-time 2 \
    "${HEALTHCHECK_URL:-http://127.0.0.1:${MANAGEMENT_PORT:-${HTTP_PORT:-8080}}/health/live}" || exit 1
# Exec form: java is PID 1 and gets the SIGTERM itself (graceful stop, exit 0). The base image's
# CA-certificate entrypoint is replaced on purpose: it only matters with USE_SYSTEM_CA_CERTS.
ENTRYPOINT ["java", "-jar", "/app/isp-lock-service.jar"]
CMD ["--config", "/app/conf/config.yaml"]
