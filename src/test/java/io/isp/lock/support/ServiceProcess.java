package io.isp.lock.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The service as its users run it: {@code java io.isp.lock.Main [args]} in a JVM of its own. */
public final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final Path output;

  private ServiceProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  public static ServiceProcess start(Map<String, String> env, String... args) {
    return start(List.of(), env, args);
  }

  /** Started under {@code ulimit -n fileLimit}: at most that many open files, sockets included. */
  public static ServiceProcess startWithFileLimit(int fileLimit, Map<String, String> env, String... args) {
    // exec: the JVM replaces the shell, so SIGTERM and the exit status are its own
    return start(List.of("bash", "-c", "ulimit -n " + fileLimit + " && exec \"$@\"", "bash"), env, args);
  }

  private static ServiceProcess start(List<String> prefix, Map<String, String> env, String... args) {
    try {
      Path output = Files.createTempFile("isp-lock-service", ".log");
      List<String> command = new ArrayList<>(prefix);
      command.addAll(List.of(
        ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), "io.isp.lock.Main"));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().putAll(env);
      return new ServiceProcess(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The processes this one started (e.g. the private redis-server of --dev), while they run. */
  public java.util.stream.Stream<ProcessHandle> descendants() {
    return process.descendants();
  }

  /** SIGKILL, a crash: nothing runs in the process after it. Returns once it is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(10);
  }

  /** Sends SIGTERM, as an orchestrator does. */
  public void terminate() {
    process.destroy();
  }

  /** The exit code, or -1 if the process is still running after {@code seconds}. */
  public int awaitExit(long seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    // a killed JVM cannot stop its children (the private redis-server of --dev): kill them too
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // a leftover log file in /tmp is harmless
    }
  }
}
