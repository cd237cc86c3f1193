package io.isp.lock.dev;

import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A private redis-server for one process: what {@code --dev} ({@code redis.embedded: true}) runs the
 * service on, so that {@code java -jar isp-lock-service.jar --dev} works on a machine without a Redis.
 * The service needs a real Redis (Lua scripts, pub/sub), so this is a child process: the
 * {@code redis-server} on PATH if there is one, else the binary that the embedded-redis jar ships for
 * this OS and architecture, extracted to a temp dir. It listens on 127.0.0.1 on a free port, keeps
 * nothing on disk, and is stopped by {@link #close()} (and by a JVM shutdown hook as a backstop;
 * a JVM killed with SIGKILL runs no hook and leaves it running).
 *
 * <p>For development only: locks live in this process's own Redis, so two processes never exclude
 * each other. {@link #start} blocks until the server is ready: call it before Vert.x starts, never on
 * an event loop.
 */
public final class EmbeddedRedis implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  private static final long STARTUP_TIMEOUT_MS = 20_000;
  private static final int PORT_ATTEMPTS = 5;

  private final Process process;
  private final int port;
  private final Path dir;
  private final String source;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::stop, "embedded-redis-stop");

  private EmbeddedRedis(Process process, int port, Path dir, String source) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.source = source;
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a server and waits until it accepts connections. */
  public static EmbeddedRedis start() throws IOException {
    return start(System.getenv("PATH"));
  }

  static EmbeddedRedis start(String pathEnv) throws IOException {
    Path dir = Files.createTempDirectory("isp-lock-dev-redis-");
    try {
      Executable executable = locate(pathEnv, dir);
      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        try {
          return new EmbeddedRedis(launch(executable, port, dir), port, dir, executable.source());
        } catch (PortTaken e) {
          if (attempt == PORT_ATTEMPTS) {
            throw e;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** {@code 127.0.0.1:port}, for {@code redis.server}. */
  public String hostPort() {
    return HOST + ":" + port;
  }

  public long pid() {
    return process.pid();
  }

  /** Which binary runs, e.g. {@code /usr/bin/redis-server (on PATH)}. */
  public String source() {
    return source;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its temp dir. Idempotent. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: stop() is idempotent
    }
  }

  private void stop() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  /** The binary to run and where it comes from. */
  record Executable(Path path, String source) {
  }

  /** redis-server on {@code pathEnv}, else the bundled one extracted into {@code dir}. */
  static Executable locate(String pathEnv, Path dir) throws IOException {
    Optional<Path> onPath = findOnPath(pathEnv);
    if (onPath.isPresent()) {
      return new Executable(onPath.get(), onPath.get() + " (on PATH)");
    }
    String os = System.getProperty("os.name");
    String arch = System.getProperty("os.arch");
    String resource = bundledResource(os, arch).orElseThrow(() -> new IOException(
      "no redis-server on PATH, and the embedded-redis jar has none for " + os + "/" + arch));
    Path binary = dir.resolve("redis-server");
    try (InputStream in = EmbeddedRedis.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no redis-server on PATH, and " + resource + " is missing from the class path");
      }
      Files.copy(in, binary);
    }
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
    return new Executable(binary, resource.substring(1) + " from the embedded-redis jar (no redis-server on PATH)");
  }

  /** The first executable {@code redis-server} in the directories of a PATH value. */
  static Optional<Path> findOnPath(String pathEnv) {
    if (pathEnv == null) {
      return Optional.empty();
    }
    for (String entry : pathEnv.split(java.io.File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry, "redis-server");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The embedded-redis resource for the JVM's {@code os.name} and {@code os.arch}, if it ships one.
   * Read from the properties rather than with the library's own detection, which runs {@code uname}.
   */
  static Optional<String> bundledResource(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    boolean x86 = arch.equals("x86") || arch.matches("i[3-6]86");
    OsArchitecture platform = null;
    if (os.contains("linux")) {
      platform = x64 ? OsArchitecture.UNIX_x86_64 : arm64 ? OsArchitecture.UNIX_AARCH64 : x86 ? OsArchitecture.UNIX_x86 : null;
    } else if (os.contains("mac")) {
      platform = x64 ? OsArchitecture.MAC_OS_X_x86_64 : arm64 ? OsArchitecture.MAC_OS_X_ARM64 : null;
    } else if (os.contains("windows")) {
      platform = x64 ? OsArchitecture.WINDOWS_x86_64 : null;
    }
    return platform == null ? Optional.empty() : Optional.ofNullable(ExecutableProvider.newProvidedVersionsMap().get(platform));
  }

  /** Starts the server and waits for its "Ready to accept connections" line, at most 20 s. */
  private static Process launch(Executable executable, int port, Path dir) throws IOException {
    List<String> command = List.of(executable.path().toString(), "--port", Integer.toString(port), "--bind", HOST,
      "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    Deque<String> tail = new ArrayDeque<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread output = new Thread(() -> drain(process, tail, ready), "embedded-redis-output");
    output.setDaemon(true);
    output.start();
    try {
      ready.get(STARTUP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return process;
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      String log;
      synchronized (tail) {
        log = String.join("\n", tail);
      }
      if (log.contains("Address already in use")) {
        throw new PortTaken(port);
      }
      throw new IOException(executable.path() + " did not start on port " + port
        + (e instanceof TimeoutException ? " within " + STARTUP_TIMEOUT_MS + " ms" : "") + ":\n" + log);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting redis-server", e);
    }
  }

  /** Reads the server's output to its end (so that it never blocks on a full pipe), keeping the last lines. */
  private static void drain(Process process, Deque<String> tail, CompletableFuture<Void> ready) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > 30) {
            tail.removeFirst();
          }
        }
        if (line.contains("Ready to accept connections")) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      // the stream closes when the process dies
    }
    ready.completeExceptionally(new IOException("redis-server exited"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  /** Deletes the temp dir, going on past any entry it cannot read or delete. */
  static void deleteTree(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          file.toFile().delete();
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          file.toFile().delete();
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
          dir.toFile().delete();
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }

  /** The server's working directory (its temp dir), for tests. */
  Path dir() {
    return dir;
  }

  /** The free port we picked was taken before redis-server could bind it: pick another. */
  private static final class PortTaken extends IOException {
    PortTaken(int port) {
      super("port " + port + " was taken before redis-server could bind it");
    }
  }
}
