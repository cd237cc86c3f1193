package io.isp.lock.support;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/** Entry point for tests that need a standalone Redis: one shared per JVM, or a dedicated process. */
public final class RedisFixture {

  private static RedisEndpointInfo shared;
  private static Object keepAlive; // the container or process behind `shared`, never closed by tests

  private RedisFixture() {}

  /**
   * The JVM-wide shared Redis: a {@code redis:7} container when a Docker engine is reachable, else a
   * redis-server process. Tests must isolate by unique key prefixes: never FLUSH it, never stop it.
   */
  public static synchronized RedisEndpointInfo shared() {
    if (shared == null) {
      if (dockerAvailable()) {
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7"))
            .withExposedPorts(6379)
            .withCommand("redis-server", "--save", "", "--appendonly", "no");
        redis.start(); // Testcontainers' Ryuk removes it when the JVM exits
        keepAlive = redis;
        shared = new RedisEndpointInfo(redis.getHost(), redis.getMappedPort(6379));
      } else {
        RedisProcess redis = RedisProcess.start(); // the reaper hook kills it at JVM exit
        keepAlive = redis;
        shared = new RedisEndpointInfo(redis.host(), redis.port());
      }
    }
    return shared;
  }

  /** A Redis process of the caller's own, always a process so it can be killed, paused and restarted. */
  public static RedisProcess dedicated(String... args) {
    return RedisProcess.start(args);
  }

  /** Asked once per JVM (via shared()); any failure of the probe itself means "no Docker". */
  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }
}
