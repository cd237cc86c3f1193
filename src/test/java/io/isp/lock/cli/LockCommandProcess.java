package io.isp.lock.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The lock command as a script runs it: {@code java io.isp.lock.Main lock ARGS} in a JVM of its
 * own, on the test class path, its stdout and stderr each in a file.
 */
final class LockCommandProcess implements AutoCloseable {

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private LockCommandProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static LockCommandProcess start(Map<String, String> env, Path workDir, String... args) {
    return start(List.of(), env, workDir, args);
  }

  /** With these options for the lock command's JVM (e.g. {@code -Djavax.net.ssl.trustStore=...}). */
  static LockCommandProcess start(List<String> jvmOptions, Map<String, String> env, Path workDir, String... args) {
    try {
      Path out = Files.createTempFile("isp-lock-cli", ".out");
      Path err = Files.createTempFile("isp-lock-cli", ".err");
      List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
      command.addAll(jvmOptions);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.isp.lock.Main", "lock"));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().remove("ISP_LOCK_URL");
      builder.environment().remove("ISP_LOCK_TOKEN");
      builder.environment().putAll(env);
      return new LockCommandProcess(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as a service manager or {@code timeout(1)} sends it. */
  void terminate() {
    process.destroy();
  }

  /** SIGINT, as Ctrl-C sends it (through kill(1): Java has no call for it). */
  void interrupt() throws IOException, InterruptedException {
    if (new ProcessBuilder("kill", "-s", "INT", Long.toString(process.pid())).start().waitFor() != 0) {
      throw new IllegalStateException("kill -s INT " + process.pid() + " failed");
    }
  }

  /**
   * Whether the process ignores signal {@code number} (from /proc: a job started without job
   * control inherits SIGINT ignored, and a JVM then leaves it so).
   */
  boolean ignoresSignal(int number) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
        return (mask & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  /** The exit code, or -1 if still running after {@code seconds}. */
  int awaitExit(long seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // a leftover file in /tmp is harmless
    }
  }
}
