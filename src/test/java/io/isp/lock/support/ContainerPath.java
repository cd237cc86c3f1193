package io.isp.lock.support;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * Whether the fixtures run Redis as containers (through a Docker-compatible engine: Docker, or
 * podman's API socket) or as {@code redis-server} processes. Decided once per JVM from
 * {@code -Disp.test.containers} or {@code ISP_TEST_CONTAINERS}:
 * <ul>
 *   <li>{@code auto} (default): containers when an engine answers, else processes;</li>
 *   <li>{@code on}: containers, and every fixture that needs one fails when no engine answers (CI);</li>
 *   <li>{@code off}: processes, without even probing for an engine.</li>
 * </ul>
 * {@code ISP_TEST_CONTAINERS_PULL=never} (or {@code -Disp.test.containers.pull=never}) forbids pulling
 * the image: where there is no registry it must already exist (a local stand-in). The choice is
 * logged once, so every test run says which path ran.
 */
public final class ContainerPath {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerPath.class);
  /** The image of every Redis container; the fixtures override its entrypoint, so any Redis 7 image fits. */
  static final DockerImageName REDIS_IMAGE = DockerImageName.parse(setting("isp.test.redis.image", "redis:7"));

  /**
   * Containers started and not yet stopped. Ryuk (Testcontainers' reaper container) is off under
   * podman, so the fixtures stop their containers themselves; this hook catches those a test left.
   */
  private static final Set<GenericContainer<?>> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> List.copyOf(RUNNING).forEach(ContainerPath::stop), "redis-container-reaper"));
  }

  private static Boolean active;
  private static String reason;

  private ContainerPath() {}

  /** True when Redis fixtures should be containers; throws in mode {@code on} without an engine. */
  public static synchronized boolean active() {
    if (active == null) {
      decide();
    }
    if (!active && "on".equals(mode())) {
      throw new IllegalStateException("ISP_TEST_CONTAINERS=on, but " + reason
          + " (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "; for podman: scripts/containers.sh, then"
          + " DOCKER_HOST=unix:///run/podman/podman.sock)");
    }
    return active;
  }

  /** Never, when the settings say so; else Testcontainers' default (pull only if missing locally). */
  static ImagePullPolicy pullPolicy() {
    if ("never".equals(setting("isp.test.containers.pull", "missing").toLowerCase(Locale.ROOT))) {
      return image -> false;
    }
    return PullPolicy.defaultPolicy();
  }

  /** Remembers a started container so that it is stopped at JVM exit at the latest. */
  static void track(GenericContainer<?> container) {
    RUNNING.add(container);
  }

  /** Stops (kills) and removes a container once; a later call for the same one does nothing. */
  static void stop(GenericContainer<?> container) {
    if (RUNNING.remove(container)) {
      container.stop();
    }
  }

  private static void decide() {
    String mode = mode();
    if ("off".equals(mode)) {
      active = false;
      reason = "no engine probed";
    } else {
      active = engineAnswers();
      reason = active ? "engine at " + engineAddress() : "no container engine answered";
    }
    if (active) {
      LOG.info("test Redis path: CONTAINERS ({}, image {}, ISP_TEST_CONTAINERS={})", reason, REDIS_IMAGE, mode);
    } else if ("on".equals(mode)) {
      LOG.error("test Redis path: NONE (ISP_TEST_CONTAINERS=on, but {}): tests that need Redis fail", reason);
    } else {
      LOG.info("test Redis path: PROCESSES (redis-server on PATH; {}, ISP_TEST_CONTAINERS={})", reason, mode);
    }
  }

  private static String mode() {
    String mode = setting("isp.test.containers", "auto").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("on") && !mode.equals("off")) {
      throw new IllegalArgumentException("ISP_TEST_CONTAINERS must be auto, on or off, not " + mode);
    }
    return mode;
  }

  /** Any failure of the probe itself means "no engine". */
  private static boolean engineAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static String engineAddress() {
    try {
      return DockerClientFactory.instance().getTransportConfig().getDockerHost().toString();
    } catch (Throwable t) {
      return "unknown";
    }
  }

  /** A system property, else the environment variable of the same name in upper snake case. */
  private static String setting(String property, String fallback) {
    String value = System.getProperty(property);
    if (value == null) {
      value = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return value == null || value.isBlank() ? fallback : value;
  }
}
