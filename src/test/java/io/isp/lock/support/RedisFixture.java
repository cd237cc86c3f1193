package io.isp.lock.support;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/** Entry point for tests that need a standalone Redis: one shared per JVM, or a dedicated process. */
public final class RedisFixture {

  private static final String LOOPBACK = "127.0.0.1";

  private static RedisEndpointInfo shared;
  private static Object keepAlive; // the container or process behind `shared`, never closed by tests

  /**
   * {@code -Disp.test.redis=cluster}: the services of {@link ServiceUnderTest#onSharedRedis} run on
   * the JVM's shared {@link RedisCluster} instead, so the black-box suites run unchanged against
   * cluster mode, e.g. {@code ./mvnw test -Dtest='SeedContractTest,LockSemanticsTest' -Disp.test.redis=cluster}.
   * ClusterContractTest runs them so in every build.
   */
  public static boolean onCluster() {
    return "cluster".equals(System.getProperty("isp.test.redis"));
  }

  private RedisFixture() {}

  /**
   * The JVM-wide shared Redis: a container on the container path ({@link ContainerPath}), its port
   * published on 127.0.0.1 only, else a redis-server process. Tests must isolate by unique key
   * prefixes: never FLUSH it, never stop it. A JVM shutdown hook stops either.
   */
  public static synchronized RedisEndpointInfo shared() {
    if (shared == null) {
      if (ContainerPath.active()) {
        GenericContainer<?> redis = new GenericContainer<>(ContainerPath.REDIS_IMAGE)
            .withImagePullPolicy(ContainerPath.pullPolicy())
            .withExposedPorts(6379)
            // Published on the loopback interface only, to a port the engine picks.
            .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                new PortBinding(Ports.Binding.bindIp(LOOPBACK), ExposedPort.tcp(6379))))
            .withCommand("redis-server", "--save", "", "--appendonly", "no")
            // Ready by its log line: the default port check execs a shell in the container, and
            // under podman 4.3 each such exec leaves a conmon process behind.
            .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
        redis.start();
        ContainerPath.track(redis); // Ryuk is off under podman: the reaper hook stops it at JVM exit
        keepAlive = redis;
        shared = new RedisEndpointInfo(LOOPBACK, redis.getMappedPort(6379));
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
}
