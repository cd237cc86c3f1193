package io.isp.lock.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import org.awaitility.Awaitility;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * A {@link ServerProcess}'s redis-server run in a container instead of as a child process, on the
 * host's network: Sentinels announce the addresses they see (127.0.0.1:port) to clients and to each
 * other, and with host networking those are the addresses the tests and the service reach, unchanged
 * by port mapping or a container network. The server binds 127.0.0.1 only (its config says so), and
 * its temp dir is mounted at the same path, so config, data and log paths mean the same inside and
 * out. Its process is visible on the host: kill, SIGSTOP and liveness go by its host PID.
 */
final class ServerContainer {

  private final GenericContainer<?> container;
  private final long pid;

  private ServerContainer(GenericContainer<?> container, long pid) {
    this.container = container;
    this.pid = pid;
  }

  /** Runs {@code command} (redis-server and its args) in a new container; returns once it runs. */
  static ServerContainer start(Path dir, List<String> command) {
    Path stdout = dir.resolve("stdout.log");
    GenericContainer<?> container = new GenericContainer<>(ContainerPath.REDIS_IMAGE)
        .withImagePullPolicy(ContainerPath.pullPolicy())
        .withNetworkMode("host")
        .withWorkingDirectory(dir.toString())
        .withCreateContainerCmdModifier(cmd -> cmd
            // redis-server itself as PID 1: no entrypoint script that would drop to another user
            // (who could not write the test's temp dir) or add arguments.
            .withEntrypoint(command.get(0))
            // The bind set here rather than by withFileSystemBind, whose file-mount probe needs
            // an image that is not here (no registry) and warns on every container.
            .getHostConfig().withBinds(new Bind(dir.toString(), new Volume(dir.toString()))))
        .withCommand(command.subList(1, command.size()).toArray(String[]::new))
        .withLogConsumer(frame -> append(stdout, frame.getUtf8String()))
        // Readiness is ServerProcess's PING, over the host's loopback like every other client.
        .waitingFor(new AbstractWaitStrategy() {
          @Override
          protected void waitUntilReady() {}
        });
    container.start();
    ContainerPath.track(container);
    Long pid = container.getContainerInfo().getState().getPidLong();
    if (pid == null || pid <= 0) {
      ContainerPath.stop(container);
      throw new IllegalStateException("container " + container.getContainerId() + " reports no host PID");
    }
    return new ServerContainer(container, pid);
  }

  long pid() {
    return pid;
  }

  boolean isAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** SIGKILL, like a crash (Testcontainers' stop kills, then removes the container). */
  void kill() {
    ContainerPath.stop(container);
    Awaitility.await("redis-server pid " + pid + " gone after its container was killed")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !isAlive());
  }

  String describe() {
    return "container " + shortId() + ", host pid " + pid;
  }

  private String shortId() {
    return Optional.ofNullable(container.getContainerId()).map(id -> id.substring(0, Math.min(12, id.length())))
        .orElse("-");
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // the temp dir may be gone after close(): the log is only for diagnostics
    }
  }
}
