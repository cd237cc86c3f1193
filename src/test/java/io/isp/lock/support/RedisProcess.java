package io.isp.lock.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code redis-server} on 127.0.0.1 and a free port, in its own temp dir (a process; in a
 * Sentinel topology on the container path, a container on the host's network): plain, or TLS
 * only ({@link #startWithTls}). As a {@link Fixture}, {@link #fixture} declares one that a test
 * class (static field) or each test (instance field) gets started; {@link #start} starts one at once.
 */
public final class RedisProcess extends Fixture {

  private final List<String> configLines;
  private final String[] extraArgs;
  /** TLS on the port (and no plain port), or null. */
  private final RedisTlsSetup tls;
  /** In a container on the host's network rather than a child process (see ServerContainer). */
  private boolean inContainer;
  private ServerProcess server;
  private Credentials auth;
  /** Who cli()/call() log in as once started; null: the default user with any requirepass. */
  private Credentials login;

  private RedisProcess(List<String> configLines, RedisTlsSetup tls, String... extraArgs) {
    this.configLines = List.copyOf(configLines);
    this.tls = tls;
    this.extraArgs = extraArgs;
  }

  /** A view of a running server that logs in differently. */
  private RedisProcess(RedisProcess running, Credentials auth) {
    this(running.configLines, running.tls, running.extraArgs);
    this.server = running.server;
    this.auth = auth;
    alreadyRunning();
  }

  /** A Redis to be started by JUnit, with extra command-line style args, e.g. {@code "--requirepass", "x"}. */
  public static RedisProcess fixture(String... extraArgs) {
    return new RedisProcess(List.of(), null, extraArgs);
  }



  /** A Redis to be started by JUnit, with extra redis.conf lines, e.g. {@code "user alice on >secret ~* &* +@all"}. */
  public static RedisProcess fixtureWithConfig(List<String> configLines) {
    return new RedisProcess(configLines, null);
  }

  /** Makes cli()/call() log in as {@code user} once this fixture starts. */
  public RedisProcess loggingInAs(String user, String password) {
    login = new Credentials(user, password);
    return this;
  }

  /** Starts redis-server with extra command-line style args, e.g. {@code "--requirepass", "x"}. */
  public static RedisProcess start(String... extraArgs) {
    return launch(List.of(), extraArgs);
  }

  /** Starts a redis-server that speaks TLS only, as {@code tls} says; its own cli()/call() use TLS too. */
  public static RedisProcess startWithTls(RedisTlsSetup tls, String... extraArgs) {
    return launch(List.of(), tls, extraArgs);
  }

  /** Starts redis-server with extra redis.conf lines, e.g. {@code "user alice on >secret ~* &* +@all"}. */
  public static RedisProcess startWithConfig(List<String> configLines) {
    return launch(configLines);
  }

  /** Starts a replica of {@code master}; pass {@code "--masterauth", pw} (and masteruser) in extraArgs. */
  public static RedisProcess startReplicaOf(RedisProcess master, String... extraArgs) {
    return launch(List.of("replicaof " + master.host() + " " + master.port()), extraArgs);
  }

  /** Starts a server from config lines plus extra args (args win, as on a real command line). */
  static RedisProcess launch(List<String> configLines, String... extraArgs) {
    return launch(configLines, null, extraArgs);
  }

  /** As above, TLS only when {@code tls} is not null. */
  static RedisProcess launch(List<String> configLines, RedisTlsSetup tls, String... extraArgs) {
    return launch(false, configLines, tls, extraArgs);
  }

  /** As above, in a container on the host's network when {@code inContainer}. */
  static RedisProcess launch(boolean inContainer, List<String> configLines, RedisTlsSetup tls, String... extraArgs) {
    RedisProcess redis = new RedisProcess(configLines, tls, extraArgs);
    redis.inContainer = inContainer;
    return redis.started();
  }

  @Override
  protected void open() {
    int port = FreePorts.next();
    Path dir = ServerProcess.newDir("redis-" + port + "-");
    List<String> config = new ArrayList<>(tls == null ? List.of("port " + port) : tls.config(port));
    config.addAll(List.of(
        "bind " + ServerProcess.HOST,
        "daemonize no",
        "dir " + ServerProcess.quote(dir.toString()),
        "logfile " + ServerProcess.quote(dir.resolve("server.log").toString()),
        "save \"\"",
        "appendonly no",
        // Default 5 s wait for more replicas before a full sync would stall every replica start.
        "repl-diskless-sync-delay 0"));
    config.addAll(configLines);
    config.addAll(argsToConfig(extraArgs));
    // Everything lives in redis.conf rather than on the command line so that restart() picks up
    // what Sentinel's CONFIG REWRITE wrote there (e.g. a new replicaof after a failover).
    server = ServerProcess.start(inContainer, port, dir, tls, "redis.conf", config);
    auth = login != null ? login : requirepass(config);
  }

  /** Kills the process (if running) and deletes its temp dir. */
  @Override
  protected void shut() {
    server.close();
  }

  /** The same process, but cli()/call() log in as {@code user} (null for the default user). */
  public RedisProcess withAuth(String user, String password) {
    return new RedisProcess(this, new Credentials(user, password));
  }

  /** {@code host:port}, as {@code redis.server} takes it. */
  public String address() {
    return host() + ":" + port();
  }

  /** Credentials cli()/call() use, or null; taken from {@code requirepass} unless withAuth was used. */
  public Credentials auth() {
    return auth;
  }

  public int port() {
    return server.port();
  }

  public String host() {
    return ServerProcess.HOST;
  }

  /** {@code redis://127.0.0.1:PORT} ({@code rediss://} with TLS), without credentials. */
  public String uri() {
    return (tls == null ? "redis://" : "rediss://") + host() + ":" + port();
  }

  /** Its TLS settings, or null. */
  public RedisTlsSetup tls() {
    return tls;
  }

  /** Temp dir holding redis.conf, server.log and stdout.log. */
  public Path dir() {
    return server.dir();
  }

  /** Runs {@code redis-cli -h 127.0.0.1 -p PORT [auth] args...}; trimmed stdout, throws on errors. */
  public String cli(String... args) {
    return server.cli(auth, args);
  }

  /** Sends one command over a plain socket (no fork): String, Long, List or null; throws on errors. */
  public Object call(String... args) {
    return server.call(auth, args);
  }

  /** The value of one {@code INFO} field, e.g. {@code info("replication", "role")}, or null. */
  public String info(String section, String field) {
    for (String line : String.valueOf(call("INFO", section)).split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return null;
  }

  /** SIGKILL (a crash) and wait until the process is gone. */
  public void kill() {
    server.kill();
  }

  /** Starts it again on the same port from the same redis.conf and waits for PING. */
  public void restart() {
    server.kill(); // no-op when already dead; a restart of a live server means "crash and come back"
    server.launch();
  }

  /** Appends redis.conf lines (the last one of a setting wins) that the next restart() will use. */
  void appendConfig(String... lines) {
    try {
      Files.write(dir().resolve("redis.conf"), List.of(lines), StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGSTOP: the process keeps its sockets but stops answering (a hung or GC-paused server). */
  public void pause() {
    server.signal("STOP");
  }

  /** SIGCONT, then wait until it answers PING again. */
  public void resume() {
    server.signal("CONT");
    server.awaitPing();
  }

  public boolean isAlive() {
    return server.isAlive();
  }

  /** True if it answers PING within 500 ms (NOAUTH counts): false when killed or paused. */
  public boolean respondsToPing() {
    return server.answersPing();
  }

  public long pid() {
    return server.pid();
  }

  /** Tail of this server's logs, for assertion messages. */
  public String diagnostics() {
    return server.diagnostics();
  }

  @Override
  public String toString() {
    return "RedisProcess[" + uri() + ", pid " + (isAlive() ? pid() : "-") + "]";
  }

  /** {@code --name v1 v2 --other} becomes config lines {@code name "v1" "v2"} and {@code other}. */
  static List<String> argsToConfig(String... args) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = null;
    for (String arg : args) {
      if (arg.startsWith("--")) {
        addLine(lines, line);
        line = new StringBuilder(arg.substring(2));
      } else if (line == null) {
        throw new IllegalArgumentException("argument before any --option: " + arg);
      } else {
        line.append(' ').append(ServerProcess.quote(arg));
      }
    }
    addLine(lines, line);
    return lines;
  }

  private static void addLine(List<String> lines, StringBuilder line) {
    if (line == null) {
      return;
    }
    // A bare --save means "no snapshots", as redis-server itself treats it on a command line.
    lines.add(line.toString().equals("save") ? "save \"\"" : line.toString());
  }

  /** Password of the default user from the last {@code requirepass} line, so cli() just works. */
  private static Credentials requirepass(List<String> config) {
    Credentials found = null;
    for (String line : config) {
      String[] parts = line.trim().split("\\s+", 2);
      if (parts.length == 2 && parts[0].equalsIgnoreCase("requirepass")) {
        String value = parts[1].trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        found = value.isEmpty() ? null : Credentials.password(value);
      }
    }
    return found;
  }
}
