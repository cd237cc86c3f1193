package io.isp.lock.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A master, one replica and three Sentinels (quorum 2), all on 127.0.0.1: containers on the host's
 * network on the container path ({@link ContainerPath}; TLS clusters stay processes, their
 * certificates live outside the mounted dirs), else redis-server processes. As a
 * {@link Fixture}, {@link #fixture} declares one for a test class or test; {@link #start} starts one now.
 */
public final class SentinelCluster extends Fixture {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

  /** Auth settings: for the data nodes (requirepass or an ACL user) and for the Sentinels; and TLS. */
  public static final class Options {
    private Credentials masterAuth;
    private Credentials sentinelAuth;
    private Supplier<RedisTlsSetup> tls = () -> null;

    public static Options defaults() {
      return new Options();
    }

    /** Data nodes get {@code requirepass}; the replica gets the matching {@code masterauth}. */
    public Options masterPassword(String password) {
      masterAuth = Credentials.password(password);
      return this;
    }

    /** Data nodes get this ACL user and the default user is disabled; replica uses masteruser/masterauth. */
    public Options masterUser(String user, String password) {
      masterAuth = Credentials.user(user, password);
      return this;
    }

    /** Sentinels get {@code requirepass} (and {@code sentinel-pass} to talk to each other). */
    public Options sentinelPassword(String password) {
      sentinelAuth = Credentials.password(password);
      return this;
    }

    /** Sentinels get {@code requirepass} plus this ACL user (and sentinel-user/sentinel-pass). */
    public Options sentinelUser(String user, String password) {
      sentinelAuth = Credentials.user(user, password);
      return this;
    }

    /**
     * Every node and Sentinel speaks TLS only, with these certificates (one server certificate for
     * all: they all listen on 127.0.0.1), and replicates and monitors over TLS. Asked for when the
     * cluster starts, so that a certificate fixture declared before it has made the files by then.
     */
    public Options tls(Supplier<RedisTlsSetup> setup) {
      tls = setup;
      return this;
    }
  }

  private final String masterName;
  private final Options options;
  private final List<RedisProcess> nodes = new ArrayList<>(); // [initial master, initial replica]
  private final List<SentinelProcess> sentinels = new ArrayList<>();
  private RedisTlsSetup tls;

  private SentinelCluster(String masterName, Options options) {
    this.masterName = masterName;
    this.options = options;
  }

  /** A cluster to be started by JUnit, with the given auth, once it could fail over. */
  public static SentinelCluster fixture(String masterName, Options options) {
    return new SentinelCluster(masterName, options);
  }

  /** Starts an unauthenticated cluster and waits until it could fail over. */
  public static SentinelCluster start(String masterName) {
    return start(masterName, Options.defaults());
  }

  /** Starts a cluster with the given auth and waits until it could fail over. */
  public static SentinelCluster start(String masterName, Options options) {
    return new SentinelCluster(masterName, options).started();
  }

  @Override
  protected void open() {
    try {
      boot();
    } catch (RuntimeException e) {
      shut();
      throw e;
    }
  }

  private void boot() {
    tls = options.tls.get();
    boolean inContainers = tls == null && ContainerPath.active();
    List<String> nodeConfig = nodeConfig(options.masterAuth);
    RedisProcess master = RedisProcess.launch(inContainers, nodeConfig, tls);
    nodes.add(withAuth(master));
    List<String> replicaConfig = new ArrayList<>(nodeConfig);
    replicaConfig.add("replicaof " + master.host() + " " + master.port());
    nodes.add(withAuth(RedisProcess.launch(inContainers, replicaConfig, tls)));
    // Sentinels learn replicas from the master's INFO, refreshed only every 10 s: have the replica
    // attached before they start so their first INFO already lists it.
    awaitLinkUp(nodes.get(1));
    for (int i = 0; i < 3; i++) {
      sentinels.add(SentinelProcess.start(inContainers, masterName, master.port(), 2, options.masterAuth,
          options.sentinelAuth, tls));
    }
    // Peers are found via hello messages (every 2 s): a failover needs a quorum that knows each other.
    await("all Sentinels know each other and the replica", STARTUP_TIMEOUT, () -> sentinels.stream()
        .allMatch(s -> s.sentinels().size() == sentinels.size() - 1 && seesHealthyReplica(s, replica())));
  }

  /** Same config on both nodes, so either can be master or replica after a failover. */
  private static List<String> nodeConfig(Credentials auth) {
    List<String> lines = new ArrayList<>();
    if (auth == null) {
      return lines;
    }
    String pw = ServerProcess.quote(auth.password());
    if (auth.user() == null) {
      lines.add("requirepass " + pw);
    } else {
      String user = ServerProcess.quote(auth.user());
      lines.add("user default off"); // so only the named user can log in, as in production ACL setups
      lines.add("user " + user + " on " + ServerProcess.quote(">" + auth.password()) + " ~* &* +@all");
      lines.add("masteruser " + user);
    }
    lines.add("masterauth " + pw);
    return lines;
  }

  private RedisProcess withAuth(RedisProcess node) {
    Credentials auth = options.masterAuth;
    return auth == null ? node : node.withAuth(auth.user(), auth.password());
  }

  public String masterName() {
    return masterName;
  }

  /** {@code 127.0.0.1:PORT} of each Sentinel. */
  public List<String> sentinelAddresses() {
    return sentinels.stream().map(SentinelProcess::address).toList();
  }

  public List<SentinelProcess> sentinels() {
    return List.copyOf(sentinels);
  }

  /** Credentials of the data nodes, or null. */
  public Credentials masterAuth() {
    return options.masterAuth;
  }

  /** Credentials of the Sentinels, or null. */
  public Credentials sentinelAuth() {
    return options.sentinelAuth;
  }

  /** TLS of every node and Sentinel, or null. */
  public RedisTlsSetup tls() {
    return tls;
  }

  /** The node the Sentinels currently name as master. */
  public RedisProcess master() {
    return node(currentMasterPort());
  }

  /** The node that is not the current master (after a failover: the old master, maybe dead). */
  public RedisProcess replica() {
    int masterPort = currentMasterPort();
    return nodes.stream().filter(n -> n.port() != masterPort).findFirst().orElseThrow();
  }

  /** Master port per the first Sentinel that answers {@code SENTINEL get-master-addr-by-name}. */
  public int currentMasterPort() {
    RuntimeException last = null;
    for (SentinelProcess s : sentinels) {
      try {
        return s.masterPort();
      } catch (RuntimeException e) {
        last = e; // that Sentinel may be killed or paused: ask the next one
      }
    }
    throw new IllegalStateException("no Sentinel answered", last);
  }

  /** SIGKILLs the current master and returns it (restart() brings it back as a replica). */
  public RedisProcess killMaster() {
    RedisProcess master = master();
    master.kill();
    return master;
  }

  /**
   * Restarts a killed node already pointing at the current master, as an orchestrator would, and
   * waits until it is in sync. A plain restart() also rejoins, but only after Sentinel's ~20 s
   * convert-to-replica delay (it comes back claiming to be master).
   */
  public RedisProcess rejoinAsReplica(RedisProcess node) {
    RedisProcess known = node(node.port());
    known.kill();
    known.appendConfig("replicaof " + ServerProcess.HOST + " " + currentMasterPort());
    known.restart();
    awaitReplicaInSync();
    return known;
  }

  /**
   * Waits until every live Sentinel names a master other than {@code oldMasterPort} and that node
   * reports {@code role:master}; returns its port.
   */
  public int awaitFailover(int oldMasterPort, Duration timeout) {
    int[] newPort = new int[1];
    await("failover away from port " + oldMasterPort, timeout, () -> {
      List<Integer> ports = sentinels.stream().filter(SentinelProcess::isAlive)
          .map(SentinelProcess::masterPort).distinct().toList();
      if (ports.size() != 1 || ports.get(0) == oldMasterPort) {
        return false;
      }
      newPort[0] = ports.get(0);
      return "master".equals(node(newPort[0]).info("replication", "role"));
    });
    return newPort[0];
  }

  /** Waits until the replica's link to the master is up and every live Sentinel sees it healthy. */
  public void awaitReplicaInSync() {
    await("replica in sync and seen by all Sentinels", STARTUP_TIMEOUT, () -> {
      RedisProcess replica = replica();
      return replica.isAlive()
          && "up".equals(replica.info("replication", "master_link_status"))
          && sentinels.stream().filter(SentinelProcess::isAlive).allMatch(s -> seesHealthyReplica(s, replica));
    });
  }

  /** Stops every process and deletes their temp dirs. */
  @Override
  protected void shut() {
    List<AutoCloseable> all = new ArrayList<>(sentinels); // Sentinels first: no failover mid-shutdown
    all.addAll(nodes);
    RuntimeException failure = null;
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        failure = failure == null ? new IllegalStateException("closing " + c, e) : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private RedisProcess node(int port) {
    return nodes.stream().filter(n -> n.port() == port).findFirst()
        .orElseThrow(() -> new IllegalStateException("Sentinels name unknown master port " + port));
  }

  private static boolean seesHealthyReplica(SentinelProcess sentinel, RedisProcess replica) {
    for (Map<String, String> r : sentinel.replicas()) {
      if (String.valueOf(replica.port()).equals(r.get("port"))) {
        String flags = r.getOrDefault("flags", "");
        return !flags.contains("s_down") && !flags.contains("disconnected")
            && "ok".equals(r.get("master-link-status"));
      }
    }
    return false;
  }

  /** Log tails of every process, for failure messages. */
  public String diagnostics() {
    StringBuilder sb = new StringBuilder();
    nodes.forEach(n -> sb.append(n.diagnostics()));
    sentinels.forEach(s -> sb.append(s.diagnostics()));
    return sb.toString();
  }

  private void awaitLinkUp(RedisProcess replica) {
    await("replica link up", STARTUP_TIMEOUT,
        () -> "up".equals(replica.info("replication", "master_link_status")));
  }

  private void await(String what, Duration timeout, Callable<Boolean> condition) {
    try {
      Awaitility.await(what)
          .atMost(timeout)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions() // a node or Sentinel may be mid-restart or briefly unreachable
          .until(condition);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(e.getMessage() + "\n" + diagnostics(), e);
    }
  }
}
