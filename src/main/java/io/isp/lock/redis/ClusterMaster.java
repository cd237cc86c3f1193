package io.isp.lock.redis;

import io.isp.lock.config.RedisConfig;
import io.isp.lock.metrics.LockMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.types.ErrorType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The masters of a Redis Cluster ({@code redis.cluster.nodes}), each reached as a {@link StandaloneMaster}:
 * one pipelined connection per master for commands, its pool for batches (WAIT) and pub/sub. A
 * command goes to the master of its keys' slot, computed here ({@link HashSlots}) from the slot map
 * that CLUSTER SLOTS gives.
 *
 * <p>Why not the client's CLUSTER type: its connection opens one connection to every node, and fails
 * as a whole while any one node is down, so a dead master would stop the commands of the healthy
 * ones until the failover; and it has no sharded pub/sub per shard.
 *
 * <p>MOVED: the slot map is reloaded and the command retried at the named master; ASK: sent there
 * after ASKING, on the same connection. The map is reloaded every second too, and at once (at most
 * every 100 ms) when a command loses its connection or hears CLUSTERDOWN/READONLY/TRYAGAIN, so a
 * failover inside the cluster is followed within about a second of the promotion. All state is
 * touched only from the owning verticle's event loop.
 */
public final class ClusterMaster implements RedisMaster {

  private static final System.Logger LOG = System.getLogger(ClusterMaster.class.getName());
  private static final long REFRESH_PERIOD_MS = 1000;
  private static final long MIN_REFRESH_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /** Redirects followed for one command: a slot on the move may bounce once or twice, not more. */
  private static final int MAX_REDIRECTS = 3;

  private final Vertx vertx;
  private final RedisConfig config;
  private final LockMetrics metrics;
  private final long periodicRefresh;
  /** The master serving each slot, as host:port; null: not known (yet), or not covered. */
  private final String[] owners = new String[HashSlots.SLOTS];
  /** Every node talked to, by address: the masters, and the seeds the slot map is first asked of. */
  private final Map<String, StandaloneMaster> nodes = new HashMap<>();
  private List<String> masters = List.of();
  private long changes;
  private Future<Void> refreshing;
  private boolean refreshScheduled;
  private long lastRefreshNanos = System.nanoTime() - MIN_REFRESH_GAP_NANOS;

  ClusterMaster(Vertx vertx, RedisConfig config, LockMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.periodicRefresh = vertx.setPeriodic(REFRESH_PERIOD_MS, id -> refresh());
  }

  @Override
  public Future<Response> send(Request request) {
    int slot = slotOf(request);
    return nodeFor(slot).compose(node -> node.send(request))
      .recover(error -> redirected(error, slot, 0, target -> target.send(request), target -> target.sendAsking(request)));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    int slot = -1;
    for (Request request : requests) {
      slot = Math.max(slot, slotOf(request));
    }
    int routed = slot;
    return nodeFor(routed).compose(node -> node.batch(requests))
      .recover(error -> redirected(error, routed, 0, target -> target.batch(requests), target -> {
        List<Request> asking = new ArrayList<>();
        asking.add(Request.cmd(Command.ASKING));
        asking.addAll(requests);
        return target.batch(asking).map(replies -> replies.subList(1, replies.size()));
      }));
  }

  /** Not in cluster mode: pub/sub goes per master ({@link #connectTo}, {@link ShardedReleaseSubscriber}). */
  @Override
  public Future<RedisConnection> connect() {
    return Future.failedFuture(new UnsupportedOperationException("a cluster has no single master to connect to"));
  }

  /** A connection of its own to the master at {@code address}, for SSUBSCRIBE; the caller closes it. */
  Future<RedisConnection> connectTo(String address) {
    return node(address).connect().onFailure(this::refreshIfMoved);
  }

  /** The master serving {@code slot} (host:port), or null while not known. */
  String masterOf(int slot) {
    return owners[slot];
  }

  /** Reloads the slot map soon (at most every 100 ms): something suggests it changed. */
  void refreshSoon() {
    if (System.nanoTime() - lastRefreshNanos >= MIN_REFRESH_GAP_NANOS) {
      refresh();
    } else if (refreshing == null && !refreshScheduled) {
      // one pending reload however many calls fail meanwhile
      refreshScheduled = true;
      vertx.setTimer(100, id -> {
        refreshScheduled = false;
        refresh();
      });
    }
  }

  @Override
  public Future<Void> openConnections() {
    long boundMs = RedisMasters.openBoundMs(config);
    List<Future<Void>> opening = new ArrayList<>();
    for (String seed : config.clusterNodes()) {
      opening.add(node(seed).openConnections().timeout(boundMs, TimeUnit.MILLISECONDS));
    }
    return Future.join(opening).transform(ignored -> {
      for (Future<Void> open : opening) {
        if (open.failed() && RedisErrors.isTls(open.cause())) {
          return Future.failedFuture(open.cause());
        }
      }
      return refresh().compose(v -> {
        List<Future<Void>> toMasters = new ArrayList<>();
        masters.forEach(address -> toMasters.add(node(address).openConnections()));
        return Future.all(toMasters).mapEmpty();
      });
    });
  }

  /** Every master answers CLUSTER INFO with cluster_state:ok, and every slot has a master. */
  @Override
  public Future<Void> health() {
    Future<Void> known = masters.isEmpty() ? refresh() : Future.succeededFuture();
    return known.compose(v -> {
      for (int slot = 0; slot < HashSlots.SLOTS; slot++) {
        if (owners[slot] == null) {
          return Future.failedFuture(new IllegalStateException("slot " + slot + " has no master"));
        }
      }
      List<Future<Void>> checks = new ArrayList<>();
      for (String address : masters) {
        checks.add(node(address).send(Request.cmd(Command.CLUSTER).arg("INFO")).compose(info ->
          info != null && info.toString().contains("cluster_state:ok") ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(new IllegalStateException("master " + address + " says the cluster is not ok"))));
      }
      return Future.all(checks).<Void>mapEmpty().onFailure(this::refreshIfMoved);
    });
  }

  /**
   * The masters, in the order of the first slot each serves: a listing walks them in this order.
   * Before the slot map is known: this, which finds a master on the first command.
   */
  @Override
  public List<RedisMaster> shards() {
    if (masters.isEmpty()) {
      return List.of(this);
    }
    List<RedisMaster> shards = new ArrayList<>();
    masters.forEach(address -> shards.add(node(address)));
    return shards;
  }

  @Override
  public long masterChanges() {
    return changes;
  }

  @Override
  public String describe() {
    return "Redis Cluster, masters " + (masters.isEmpty() ? "(not known yet)" : masters)
      + " (seeds " + config.clusterNodes() + ")";
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(periodicRefresh);
    List<Future<Void>> closing = new ArrayList<>();
    nodes.values().forEach(node -> closing.add(node.close()));
    nodes.clear();
    return Future.join(closing).mapEmpty();
  }

  /**
   * The slot all keys of {@code request} share, or -1 for a command without keys (any master will
   * do). The keys are found by the client's own key locator, as its cluster client does.
   */
  private static int slotOf(Request request) {
    List<byte[]> keys = ((RequestImpl) request).keys();
    return keys.isEmpty() ? -1 : HashSlots.commonSlot(keys);
  }

  private Future<StandaloneMaster> nodeFor(int slot) {
    if (slot >= 0 && owners[slot] != null) {
      return Future.succeededFuture(node(owners[slot]));
    }
    if (slot < 0 && !masters.isEmpty()) {
      return Future.succeededFuture(node(masters.get(0)));
    }
    return refresh().compose(v -> {
      String address = slot >= 0 ? owners[slot] : masters.isEmpty() ? null : masters.get(0);
      return address == null
        ? Future.failedFuture(new IllegalStateException("no master serves slot " + slot + " (CLUSTERDOWN)"))
        : Future.succeededFuture(node(address));
    });
  }

  private StandaloneMaster node(String address) {
    return nodes.computeIfAbsent(address, at -> new StandaloneMaster(vertx, at, config));
  }

  private interface Attempt<T> {
    Future<T> on(StandaloneMaster node);
  }

  /**
   * After a failed command: MOVED goes to the named master (and the map is reloaded, the slot
   * pointed there at once), ASK goes there once with ASKING; anything else fails, reloading the map
   * if it suggests a move.
   */
  private <T> Future<T> redirected(Throwable error, int slot, int redirects, Attempt<T> again, Attempt<T> asking) {
    if (error instanceof ErrorType reply && (reply.is("MOVED") || reply.is("ASK")) && redirects < MAX_REDIRECTS) {
      String[] parts = reply.getMessage().split(" ");
      if (parts.length >= 3) {
        // ":port": the node does not know its own host; it is the one the seeds are on
        String address = parts[2].startsWith(":") ? hostOf(config.clusterNodes().get(0)) + parts[2] : parts[2];
        StandaloneMaster target = node(address);
        if (reply.is("MOVED")) {
          if (slot >= 0) {
            owners[slot] = address;
          }
          refreshSoon();
          return again.on(target).recover(next -> redirected(next, slot, redirects + 1, again, asking));
        }
        return asking.on(target).recover(next -> redirected(next, slot, redirects + 1, again, asking));
      }
    }
    refreshIfMoved(error);
    return Future.failedFuture(error);
  }

  private void refreshIfMoved(Throwable error) {
    if (RedisErrors.isConnectionLost(error) || RedisErrors.isMasterMoved(error)
      || error instanceof ErrorType reply && (reply.is("CLUSTERDOWN") || reply.is("TRYAGAIN") || reply.is("MOVED"))) {
      refreshSoon();
    }
  }

  /** Reloads the slot map from the first node that answers: the masters known, then the seeds. */
  private Future<Void> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    lastRefreshNanos = System.nanoTime();
    Set<String> askable = new LinkedHashSet<>(masters);
    askable.addAll(config.clusterNodes());
    refreshing = ask(new ArrayList<>(askable), 0, null)
      .onComplete(ar -> refreshing = null);
    return refreshing;
  }

  /**
   * Asks {@code candidates} in turn. When none answers and one refused our credentials or failed the
   * TLS handshake, that failure is the result as it is: a misconfiguration start-up fails on
   * (LockVerticle), not a cluster that is merely away.
   */
  private Future<Void> ask(List<String> candidates, int index, Throwable lastFailure) {
    if (index >= candidates.size()) {
      if (lastFailure != null && (RedisErrors.isAuthentication(lastFailure) || RedisErrors.isTls(lastFailure))) {
        return Future.failedFuture(lastFailure);
      }
      return Future.failedFuture(new IllegalStateException("no node of " + candidates + " gave the cluster's slots"
        + (lastFailure == null ? "" : ": " + lastFailure.getMessage()), lastFailure));
    }
    String address = candidates.get(index);
    return node(address).send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
      .timeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
      .compose(reply -> {
        if (reply == null || reply.size() == 0) {
          return Future.failedFuture(new IllegalStateException(address + " knows no slots"));
        }
        use(reply, hostOf(address));
        return Future.<Void>succeededFuture();
      })
      .recover(error -> {
        LOG.log(System.Logger.Level.DEBUG, "cluster node " + address + " did not give the slots: " + error.getMessage());
        boolean misconfigured = lastFailure != null && (RedisErrors.isAuthentication(lastFailure) || RedisErrors.isTls(lastFailure));
        return ask(candidates, index + 1, misconfigured ? lastFailure : error);
      });
  }

  /** Takes a CLUSTER SLOTS reply: [[from, to, [host, port, id], replicas...], ...]. */
  private void use(Response reply, String askedHost) {
    String[] next = new String[HashSlots.SLOTS];
    TreeMap<Integer, String> firstSlots = new TreeMap<>();
    for (Response range : reply) {
      int from = range.get(0).toInteger();
      int to = range.get(1).toInteger();
      Response master = range.get(2);
      String host = master.get(0) == null ? "" : master.get(0).toString();
      if (host.isEmpty() || host.equals("?")) {
        host = askedHost;
      }
      String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + master.get(1).toInteger();
      Arrays.fill(next, from, to + 1, address);
      firstSlots.merge(from, address, (a, b) -> a);
    }
    List<String> found = new ArrayList<>(new LinkedHashSet<>(firstSlots.values()));
    System.arraycopy(next, 0, owners, 0, HashSlots.SLOTS);
    if (!found.equals(masters)) {
      LOG.log(System.Logger.Level.INFO, "Redis Cluster masters: " + found + (masters.isEmpty() ? "" : " (were " + masters + ")"));
      if (!masters.isEmpty()) {
        metrics.masterChanged();
      }
      List<String> gone = new ArrayList<>(masters);
      gone.removeAll(found);
      masters = List.copyOf(found);
      changes++;
      // a master that left (failed over, removed) is closed, unless it is a seed we ask for the map
      for (String address : gone) {
        if (!config.clusterNodes().contains(address)) {
          StandaloneMaster node = nodes.remove(address);
          if (node != null) {
            node.close();
          }
        }
      }
    }
  }

  private static String hostOf(String address) {
    String hostPort = address.contains("://") ? address.substring(address.indexOf("://") + 3) : address;
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
