package io.isp.lock.support;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of three masters and three replicas, each a {@code redis-server} process with
 * {@code cluster-enabled yes} on a free port of 127.0.0.1 and in its own temp dir, joined by
 * {@code redis-cli --cluster create ... --cluster-replicas 1}. Started when every node says
 * {@code cluster_state:ok} and agrees on the slots. {@link #shared()} is one per JVM (for tests that
 * only add keys); tests that kill or reshard declare their own with {@link #fixture()}.
 */
public final class RedisCluster extends Fixture {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  /** Short, so that a killed master's replica takes over in a few seconds. */
  static final int NODE_TIMEOUT_MS = 2000;
  private static RedisCluster shared;

  private final List<RedisProcess> nodes = new ArrayList<>();
  private String password;
  private java.util.function.Supplier<RedisTlsSetup> tls = () -> null;

  private RedisCluster() {
  }

  public static RedisCluster fixture() {
    return new RedisCluster();
  }

  /**
   * Every node speaks TLS only, as {@code setup} says (one certificate for all: they all listen on
   * 127.0.0.1), for clients, replication and the cluster bus. Asked for when the cluster starts, so
   * that a certificate fixture declared before it has made the files by then.
   */
  public RedisCluster withTls(java.util.function.Supplier<RedisTlsSetup> setup) {
    this.tls = setup;
    return this;
  }

  /** Every node requires {@code password} ({@code requirepass}, and {@code masterauth} for its replication). */
  public RedisCluster withPassword(String password) {
    this.password = password;
    return this;
  }

  /** The JVM-wide shared cluster: tests isolate by key prefix; never flush, kill or reshard it. */
  public static synchronized RedisCluster shared() {
    if (shared == null) {
      // its processes are killed at JVM exit by ServerProcess's reaper hook
      shared = new RedisCluster().started();
    }
    return shared;
  }

  @Override
  protected void open() {
    try {
      List<String> config = new ArrayList<>(List.of("cluster-enabled yes", "cluster-config-file nodes.conf",
        "cluster-node-timeout " + NODE_TIMEOUT_MS,
        // a replica whose master died promotes itself however long its link was down
        "cluster-replica-validity-factor 0"));
      if (password != null) {
        config.addAll(List.of("requirepass " + ServerProcess.quote(password), "masterauth " + ServerProcess.quote(password)));
      }
      RedisTlsSetup tlsSetup = tls.get();
      if (tlsSetup != null) {
        config.add("tls-cluster yes");
      }
      for (int i = 0; i < 6; i++) {
        nodes.add(RedisProcess.launch(config, tlsSetup));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--no-auth-warning"));
      if (tlsSetup != null) {
        create.addAll(tlsSetup.cliArgs());
      }
      if (password != null) {
        create.addAll(List.of("-a", password));
      }
      create.addAll(List.of("--cluster", "create"));
      nodes.forEach(node -> create.add(node.address()));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      run(create);
      awaitHealthy("the cluster to form");
    } catch (RuntimeException e) {
      shut();
      throw e;
    }
  }

  @Override
  protected void shut() {
    nodes.forEach(RedisProcess::close);
    nodes.clear();
  }

  /** host:port of every node, for {@code redis.cluster.nodes}. */
  public List<String> seeds() {
    return nodes.stream().map(RedisProcess::address).toList();
  }

  public List<RedisProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** The masters now, in the order of the first slot each serves. */
  public List<RedisProcess> masters() {
    List<RedisProcess> masters = new ArrayList<>();
    for (List<?> range : slots()) {
      RedisProcess master = byPort(((Number) ((List<?>) range.get(2)).get(1)).intValue());
      if (!masters.contains(master)) {
        masters.add(master);
      }
    }
    return masters;
  }

  /** The slot of {@code key} as Redis computes it (CLUSTER KEYSLOT). */
  public int keySlot(String key) {
    return ((Number) anyAlive().call("CLUSTER", "KEYSLOT", key)).intValue();
  }

  /** The master serving {@code slot} now. */
  public RedisProcess masterOfSlot(int slot) {
    for (List<?> range : slots()) {
      if (((Number) range.get(0)).intValue() <= slot && slot <= ((Number) range.get(1)).intValue()) {
        return byPort(((Number) ((List<?>) range.get(2)).get(1)).intValue());
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  public RedisProcess masterOf(String key) {
    return masterOfSlot(keySlot(key));
  }

  /** Runs a command on the node serving {@code key}, e.g. {@code call("GET", key)}. */
  public Object call(String key, String... command) {
    return masterOf(key).call(command);
  }

  /**
   * Kills the master serving {@code slot} (SIGKILL) and waits until its replica has taken over and
   * the cluster is ok again; returns the killed node.
   */
  public RedisProcess killMasterOf(int slot) {
    RedisProcess victim = masterOfSlot(slot);
    victim.kill();
    // the others say ok until they notice (cluster-node-timeout): wait for the promotion itself
    try {
      Awaitility.await("a replica to take over from " + victim.address()).atMost(STARTUP_TIMEOUT)
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> masterOfSlot(slot) != victim);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("no replica took over from " + victim.address() + ": " + diagnostics(), e);
    }
    awaitHealthy("the cluster to be ok without " + victim.address());
    return victim;
  }

  /**
   * Moves {@code slot} to {@code target} as {@code redis-cli --cluster reshard} does, key by key:
   * IMPORTING on the target, MIGRATING on the source, then MIGRATE of each key with a pause of
   * {@code pauseMs} between keys (so that commands meet a half-moved slot: ASK, TRYAGAIN), then
   * SETSLOT NODE on every master.
   */
  public void migrateSlot(int slot, RedisProcess target, long pauseMs) throws InterruptedException {
    RedisProcess source = masterOfSlot(slot);
    if (source == target) {
      return;
    }
    beginMigration(slot, target);
    while (true) {
      List<?> keys = (List<?>) source.call("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), "1");
      if (keys.isEmpty()) {
        break;
      }
      migrateKey(source, target, String.valueOf(keys.get(0)));
      // deliberately slow: the slot stays half-moved for a while, as in a big resharding
      TimeUnit.MILLISECONDS.sleep(pauseMs);
    }
    finishMigration(slot, source, target);
  }

  /** The first step of moving {@code slot} to {@code target}: IMPORTING there, MIGRATING on its master. */
  public void beginMigration(int slot, RedisProcess target) {
    RedisProcess source = masterOfSlot(slot);
    target.call("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", nodeId(source));
    source.call("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", nodeId(target));
  }

  /** Moves one key of a slot being migrated (MIGRATE, keeping its TTL). */
  public void migrateKey(RedisProcess source, RedisProcess target, String key) {
    source.call("MIGRATE", target.host(), Integer.toString(target.port()), key, "0", "5000", "REPLACE");
  }

  /** The last step: the slot is {@code target}'s, on every master (target first, as redis-cli does). */
  public void finishMigration(int slot, RedisProcess source, RedisProcess target) {
    String targetId = nodeId(target);
    for (RedisProcess node : List.of(target, source)) {
      node.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId);
    }
    for (RedisProcess master : masters()) {
      if (master != target && master != source) {
        master.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", targetId);
      }
    }
    awaitHealthy("slot " + slot + " to be on " + target.address() + " everywhere");
  }

  public String nodeId(RedisProcess node) {
    return String.valueOf(node.call("CLUSTER", "MYID"));
  }

  /** Every live node says cluster_state:ok and names the same master for every slot. */
  public void awaitHealthy(String what) {
    try {
      Awaitility.await(what).atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions().until(this::healthy);
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("Redis Cluster: timed out waiting for " + what + diagnostics(), e);
    }
  }

  private String diagnostics() {
    StringBuilder logs = new StringBuilder();
    nodes.forEach(node -> logs.append("\n--- ").append(node).append('\n').append(node.diagnostics()));
    return logs.toString();
  }

  private boolean healthy() {
    Object view = null;
    for (RedisProcess node : nodes) {
      if (!node.isAlive()) {
        continue;
      }
      if (!String.valueOf(node.call("CLUSTER", "INFO")).contains("cluster_state:ok")) {
        return false;
      }
      List<String> owners = owners(node);
      if (view != null && !view.equals(owners)) {
        return false;
      }
      view = owners;
    }
    return view != null;
  }

  /** "from-to:port" for each range, as {@code node} sees them, sorted. */
  private static List<String> owners(RedisProcess node) {
    List<String> owners = new ArrayList<>();
    for (Object range : (List<?>) node.call("CLUSTER", "SLOTS")) {
      List<?> r = (List<?>) range;
      owners.add(r.get(0) + "-" + r.get(1) + ":" + ((List<?>) r.get(2)).get(1));
    }
    owners.sort(null);
    return owners;
  }

  private List<List<?>> slots() {
    List<List<?>> ranges = new ArrayList<>();
    for (Object range : (List<?>) anyAlive().call("CLUSTER", "SLOTS")) {
      ranges.add((List<?>) range);
    }
    ranges.sort((a, b) -> Long.compare(((Number) a.get(0)).longValue(), ((Number) b.get(0)).longValue()));
    return ranges;
  }

  private RedisProcess anyAlive() {
    return nodes.stream().filter(RedisProcess::isAlive).findFirst().orElseThrow();
  }

  private RedisProcess byPort(int port) {
    return nodes.stream().filter(node -> node.port() == port).findFirst()
      .orElseThrow(() -> new IllegalStateException("no node on port " + port));
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "RedisCluster" + Objects.toString(seeds());
  }
}
