package io.isp.lock.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One Redis Sentinel ({@code redis-server sentinel.conf --sentinel}) monitoring one master. */
public final class SentinelProcess implements AutoCloseable {

  private final ServerProcess server;
  private final String masterName;
  private final Credentials auth;

  private SentinelProcess(ServerProcess server, String masterName, Credentials auth) {
    this.server = server;
    this.masterName = masterName;
    this.auth = auth;
  }

  /** A Sentinel without any auth, monitoring {@code 127.0.0.1:masterPort}. */
  public static SentinelProcess start(String masterName, int masterPort, int quorum) {
    return start(masterName, masterPort, quorum, null, null);
  }

  /**
   * A Sentinel monitoring {@code 127.0.0.1:masterPort}; {@code masterAuth} is how it logs in to the
   * data nodes, {@code sentinelAuth} what clients and the other Sentinels must log in with (either may be null).
   */
  public static SentinelProcess start(
      String masterName, int masterPort, int quorum, Credentials masterAuth, Credentials sentinelAuth) {
    return start(masterName, masterPort, quorum, masterAuth, sentinelAuth, null);
  }

  /**
   * As above; with {@code tls} the Sentinel listens on TLS only and reaches the data nodes and the
   * other Sentinels over TLS ({@code tls-replication yes}).
   */
  public static SentinelProcess start(String masterName, int masterPort, int quorum, Credentials masterAuth,
                                      Credentials sentinelAuth, RedisTlsSetup tls) {
    return start(false, masterName, masterPort, quorum, masterAuth, sentinelAuth, tls);
  }

  /** As above, in a container on the host's network when {@code inContainer}. */
  static SentinelProcess start(boolean inContainer, String masterName, int masterPort, int quorum,
                               Credentials masterAuth, Credentials sentinelAuth, RedisTlsSetup tls) {
    int port = FreePorts.next();
    Path dir = ServerProcess.newDir("sentinel-" + port + "-");
    List<String> config = new ArrayList<>(tls == null ? List.of("port " + port) : tls.config(port));
    config.addAll(List.of(
        "bind " + ServerProcess.HOST,
        "daemonize no",
        "dir " + ServerProcess.quote(dir.toString()),
        "logfile " + ServerProcess.quote(dir.resolve("server.log").toString())));
    if (sentinelAuth != null) {
      String pw = ServerProcess.quote(sentinelAuth.password());
      config.add("requirepass " + pw);
      if (sentinelAuth.user() != null) {
        String user = ServerProcess.quote(sentinelAuth.user());
        config.add("user " + user + " on " + ServerProcess.quote(">" + sentinelAuth.password()) + " allchannels +@all");
        config.add("sentinel sentinel-user " + user);
      }
      // Sentinels log in to each other with these to exchange votes during a failover.
      config.add("sentinel sentinel-pass " + pw);
    }
    // "sentinel monitor" must precede the per-master settings that name it.
    config.add("sentinel monitor " + masterName + " " + ServerProcess.HOST + " " + masterPort + " " + quorum);
    config.add("sentinel down-after-milliseconds " + masterName + " 1000");
    config.add("sentinel failover-timeout " + masterName + " 3000");
    config.add("sentinel parallel-syncs " + masterName + " 1");
    if (masterAuth != null) {
      if (masterAuth.user() != null) {
        config.add("sentinel auth-user " + masterName + " " + ServerProcess.quote(masterAuth.user()));
      }
      config.add("sentinel auth-pass " + masterName + " " + ServerProcess.quote(masterAuth.password()));
    }
    // Sentinel rewrites its config (ids, known peers), so the file must live in the writable temp dir.
    ServerProcess server = ServerProcess.start(inContainer, port, dir, tls, "sentinel.conf", config, "--sentinel");
    return new SentinelProcess(server, masterName, sentinelAuth);
  }

  public int port() {
    return server.port();
  }

  public String host() {
    return ServerProcess.HOST;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String address() {
    return host() + ":" + port();
  }

  public String masterName() {
    return masterName;
  }

  /** Credentials clients need for this Sentinel, or null. */
  public Credentials auth() {
    return auth;
  }

  /** Runs redis-cli against this Sentinel (logged in when it has auth); trimmed stdout. */
  public String cli(String... args) {
    return server.cli(auth, args);
  }

  /** Sends one command over a plain socket: String, Long, List or null. */
  public Object call(String... args) {
    return server.call(auth, args);
  }

  /** Port of the master as this Sentinel currently reports it ({@code SENTINEL get-master-addr-by-name}). */
  public int masterPort() {
    Object reply = call("SENTINEL", "get-master-addr-by-name", masterName);
    if (!(reply instanceof List<?> addr) || addr.size() != 2) {
      throw new IllegalStateException("sentinel " + address() + " knows no master " + masterName);
    }
    return Integer.parseInt(String.valueOf(addr.get(1)));
  }

  /** {@code SENTINEL replicas <name>} as one field map per replica. */
  public List<Map<String, String>> replicas() {
    return records(call("SENTINEL", "replicas", masterName));
  }

  /** {@code SENTINEL sentinels <name>}: the other Sentinels this one has discovered. */
  public List<Map<String, String>> sentinels() {
    return records(call("SENTINEL", "sentinels", masterName));
  }

  /** {@code SENTINEL master <name>} as a field map. */
  public Map<String, String> master() {
    return record(call("SENTINEL", "master", masterName));
  }

  /** SIGKILL and wait until gone. */
  public void kill() {
    server.kill();
  }

  /** Starts it again on the same port from its (rewritten) sentinel.conf; waits for PING. */
  public void restart() {
    server.kill();
    server.launch();
  }

  public boolean isAlive() {
    return server.isAlive();
  }

  /** Tail of this Sentinel's log, for assertion messages. */
  public String diagnostics() {
    return server.diagnostics();
  }

  /** Kills the process and deletes its temp dir. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "SentinelProcess[" + address() + "]";
  }

  private static List<Map<String, String>> records(Object reply) {
    List<Map<String, String>> result = new ArrayList<>();
    for (Object item : (List<?>) reply) {
      result.add(record(item));
    }
    return result;
  }

  private static Map<String, String> record(Object reply) {
    List<?> flat = (List<?>) reply;
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    }
    return map;
  }
}
