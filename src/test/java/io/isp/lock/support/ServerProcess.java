package io.isp.lock.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocketFactory;
import org.awaitility.Awaitility;

/**
 * One redis-server (plain or Sentinel) in its own temp dir: the shared core of the fixtures. It runs
 * as a child process, or in a container on the host's network ({@link ServerContainer}) when made
 * with {@code inContainer}; either way it listens on 127.0.0.1 and has a host PID.
 */
final class ServerProcess {

  static final String HOST = "127.0.0.1";
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  // Every started server until close(): the hook makes sure none outlives the test JVM,
  // even when a test forgets close() or the run is interrupted.
  private static final Set<ServerProcess> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> OPEN.forEach(ServerProcess::close), "redis-fixture-reaper"));
  }

  private final int port;
  private final Path dir;
  private final List<String> command;
  /** How the fixtures' own clients reach a TLS-only server; null for plain text. */
  private final RedisTlsSetup tls;
  private final SSLSocketFactory tlsSockets;
  private final boolean inContainer;
  private volatile Process process;
  private volatile ServerContainer container;

  private ServerProcess(int port, Path dir, List<String> command, RedisTlsSetup tls, boolean inContainer) {
    this.port = port;
    this.dir = dir;
    this.command = List.copyOf(command);
    this.tls = tls;
    this.tlsSockets = tls == null ? null : tls.socketFactory();
    this.inContainer = inContainer;
  }

  /** Writes {@code configFile} into {@code dir} and starts {@code redis-server file [extra]}, waiting for PING. */
  static ServerProcess start(int port, Path dir, String configFile, List<String> config, String... extra) {
    return start(port, dir, null, configFile, config, extra);
  }

  /** As above; with {@code tls}, {@code port} is the TLS port and cli()/call()/PING use TLS. */
  static ServerProcess start(int port, Path dir, RedisTlsSetup tls, String configFile, List<String> config,
                             String... extra) {
    return start(false, port, dir, tls, configFile, config, extra);
  }

  /** As above, in a container on the host's network when {@code inContainer}. */
  static ServerProcess start(boolean inContainer, int port, Path dir, RedisTlsSetup tls, String configFile,
                             List<String> config, String... extra) {
    List<String> command = new ArrayList<>(List.of("redis-server", dir.resolve(configFile).toString()));
    command.addAll(List.of(extra));
    ServerProcess server = new ServerProcess(port, dir, command, tls, inContainer);
    OPEN.add(server);
    try {
      Files.write(dir.resolve(configFile), config, StandardCharsets.UTF_8);
      server.launch();
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  static Path newDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Quotes a config value the way redis-server quotes command-line arguments. */
  static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  int port() {
    return port;
  }

  Path dir() {
    return dir;
  }

  /** (Re)spawns the process from the same config file, which CONFIG REWRITE may have changed. */
  void launch() {
    if (isAlive()) {
      throw new IllegalStateException("server on port " + port + " is still running");
    }
    if (inContainer) {
      container = ServerContainer.start(dir, command);
      awaitPing();
      return;
    }
    try {
      process = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          // Fatal config errors go to stdout/stderr before the logfile is opened.
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command + " (is redis-server on PATH?)", e);
    }
    awaitPing();
  }

  void awaitPing() {
    try {
      Awaitility.await("redis-server on port " + port + " answers PING")
          .atMost(STARTUP_TIMEOUT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .failFast("redis-server on port " + port + " exited", () -> !isAlive())
          .until(this::answersPing);
    } catch (RuntimeException e) {
      throw new IllegalStateException(e.getMessage() + "\n" + diagnostics(), e);
    }
  }

  /** True when the server replies at all: NOAUTH still proves it is up and serving. */
  boolean answersPing() {
    try {
      return "PONG".equals(Resp.call(port, tlsSockets, null, Duration.ofMillis(500), "PING"));
    } catch (Resp.ErrorReply e) {
      return e.getMessage().startsWith("NOAUTH");
    } catch (IOException e) {
      return false;
    }
  }

  boolean isAlive() {
    if (inContainer) {
      ServerContainer c = container;
      return c != null && c.isAlive();
    }
    Process p = process;
    return p != null && p.isAlive();
  }

  long pid() {
    ServerContainer c = container;
    if (c != null) {
      return c.pid();
    }
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("server on port " + port + " was never started");
    }
    return p.pid();
  }

  /** SIGKILL, like a crash: no shutdown save, no goodbye to clients. */
  void kill() {
    ServerContainer c = container;
    if (c != null) {
      c.kill(); // its forks share its PID namespace and die with it
      return;
    }
    Process p = process;
    if (p == null) {
      return;
    }
    // A fork (RDB transfer to a replica) must not keep serving after its parent "crashed".
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly(); // SIGKILL on Unix
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server pid " + p.pid() + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends a signal by name (STOP, CONT, ...) with kill(1): Java has no API for SIGSTOP. */
  void signal(String name) {
    run(Duration.ofSeconds(5), List.of("kill", "-" + name, Long.toString(pid())));
  }

  /** Runs redis-cli against this server; throws on a non-zero exit or an error reply ({@code -e}). */
  String cli(Credentials auth, String... args) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", HOST, "-p", Integer.toString(port), "-e"));
    if (tls != null) {
      cmd.addAll(tls.cliArgs());
    }
    if (auth != null) {
      cmd.addAll(auth.cliArgs());
    }
    cmd.addAll(List.of(args));
    return run(CALL_TIMEOUT, cmd).trim();
  }

  /** One command over a raw RESP connection: cheap enough to poll with. */
  Object call(Credentials auth, String... args) {
    try {
      return Resp.call(port, tlsSockets, auth, CALL_TIMEOUT, args);
    } catch (IOException e) {
      throw new UncheckedIOException("redis on port " + port + ": " + String.join(" ", args), e);
    }
  }

  String diagnostics() {
    ServerContainer c = container;
    String where = c != null ? c.describe() : "pid " + (process == null ? "-" : process.pid());
    return "--- " + dir + " (" + where + ")\n"
        + tail(dir.resolve("stdout.log")) + tail(dir.resolve("server.log"));
  }

  /** Kills the process and deletes its directory; safe to call twice. */
  void close() {
    try {
      kill();
    } finally {
      OPEN.remove(this);
      deleteDir();
    }
  }

  private String run(Duration timeout, List<String> cmd) {
    try {
      // Output goes to files, not pipes: no reader threads, and a hung redis-cli can't block us.
      Path out = Files.createTempFile(dir, "cmd-", ".out");
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", cmd));
        }
        String output = Files.readString(out);
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "exit " + p.exitValue() + " from " + String.join(" ", cmd) + ": " + output.trim());
        }
        return output;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
    } catch (IOException e) {
      return "";
    }
  }

  private void deleteDir() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover temp dir is harmless.
    }
  }
}
