package io.isp.lock.redis;

import io.isp.lock.config.RedisConfig;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.config.SentinelConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The master as the Sentinels name it. We ask them ourselves rather than use the client's
 * SENTINEL type because that client gives the master the Sentinels' credentials, and ours may differ
 * ({@code redis.sentinel.username/password} vs {@code redis.userName/password}).
 *
 * <p>The address is re-read every second, and at once when a command fails for want of a master
 * (connection lost, READONLY), so a failover is followed within the Sentinels' detection time plus
 * about a second. All state is touched only from the owning verticle's event loop.
 */
final class SentinelMaster implements RedisMaster {

  private static final System.Logger LOG = System.getLogger(SentinelMaster.class.getName());
  private static final long REFRESH_PERIOD_MS = 1000;
  private static final long MIN_REFRESH_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Vertx vertx;
  private final LockMetrics metrics;
  private final RedisConfig config;
  private final SentinelConfig sentinel;
  private final List<Redis> sentinels = new ArrayList<>();
  private final long periodicRefresh;

  private final SharedConnection commands = new SharedConnection(() -> current().compose(Redis::connect));

  private Redis master;
  private String masterAddress;
  private long changes;
  private Future<Redis> refreshing;
  private long lastRefreshNanos = System.nanoTime() - MIN_REFRESH_GAP_NANOS;
  private int preferredSentinel;

  SentinelMaster(Vertx vertx, RedisConfig config, SentinelConfig sentinel, LockMetrics metrics) {
    this.metrics = metrics;
    this.vertx = vertx;
    this.config = config;
    this.sentinel = sentinel;
    for (String address : sentinel.addresses()) {
      sentinels.add(Redis.createClient(vertx,
        RedisMasters.sentinelOptions(address, sentinel.username(), sentinel.password(), config)));
    }
    this.periodicRefresh = vertx.setPeriodic(REFRESH_PERIOD_MS, id -> refresh());
  }

  @Override
  public Future<Response> send(Request request) {
    return commands.send(request).onFailure(this::refreshIfMasterLost);
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    return current()
      .compose(client -> client.batch(requests))
      .onFailure(this::refreshIfMasterLost);
  }

  @Override
  public Future<RedisConnection> connect() {
    return current().compose(Redis::connect).onFailure(this::refreshIfMasterLost);
  }

  /**
   * Every Sentinel at once (a TLS failure with any of them is reported, even if others answer), then
   * the master they name. Only TLS failures are reported as such; any other failure is left to the
   * commands that follow, as without this step.
   */
  @Override
  public Future<Void> openConnections() {
    long boundMs = RedisMasters.openBoundMs(config);
    List<Future<Void>> opening = new ArrayList<>();
    sentinels.forEach(client -> opening.add(RedisMasters.openAndRelease(client, boundMs)));
    return Future.join(opening).transform(ignored -> {
      for (int i = 0; i < opening.size(); i++) {
        Throwable failure = opening.get(i).cause();
        if (failure != null && RedisErrors.isTls(failure)) {
          return Future.failedFuture(new IllegalStateException("Sentinel " + sentinel.addresses().get(i) + ": "
            + RedisErrors.tlsFailure(failure).orElseThrow().getMessage(), failure));
        }
      }
      return current().compose(client -> RedisMasters.openAndRelease(client, boundMs));
    });
  }

  @Override
  public long masterChanges() {
    return changes;
  }

  @Override
  public String describe() {
    return "master '" + sentinel.masterName() + "' at " + (masterAddress == null ? "(unknown)" : masterAddress)
      + " via Sentinels " + sentinel.addresses();
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(periodicRefresh);
    List<Future<Void>> closing = new ArrayList<>();
    sentinels.forEach(client -> closing.add(client.close()));
    closing.add(commands.close());
    if (master != null) {
      closing.add(master.close());
    }
    return Future.join(closing).mapEmpty();
  }

  private Future<Redis> current() {
    return master != null ? Future.succeededFuture(master) : refresh();
  }

  private void refreshIfMasterLost(Throwable error) {
    // any other reply error came from a working master: nothing moved
    if (RedisErrors.isConnectionLost(error) || RedisErrors.isMasterMoved(error)) {
      if (System.nanoTime() - lastRefreshNanos >= MIN_REFRESH_GAP_NANOS) {
        refresh();
      }
    }
  }

  private Future<Redis> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    lastRefreshNanos = System.nanoTime();
    refreshing = askSentinel(0, null)
      .map(this::useMasterAt)
      .onComplete(ar -> refreshing = null);
    return refreshing;
  }

  /**
   * Asks the Sentinels in turn, starting with the one that answered last time. A TLS failure is kept
   * as the cause of the final failure: a certificate that does not verify is a misconfiguration
   * (start-up fails on it), not a Sentinel that is merely away.
   */
  private Future<String> askSentinel(int attempt, Throwable tlsFailure) {
    if (attempt >= sentinels.size()) {
      return Future.failedFuture(new IllegalStateException("no Sentinel of " + sentinel.addresses()
        + " knows master '" + sentinel.masterName() + "'"
        + (tlsFailure == null ? "" : " (TLS handshake failed: " + RedisErrors.tlsFailure(tlsFailure).orElseThrow().getMessage() + ")"), tlsFailure));
    }
    int index = (preferredSentinel + attempt) % sentinels.size();
    Request query = Request.cmd(Command.SENTINEL).arg("GET-MASTER-ADDR-BY-NAME").arg(sentinel.masterName());
    return sentinels.get(index).send(query)
      .timeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
      .compose(reply -> reply == null || reply.size() < 2
        ? Future.failedFuture("Sentinel does not know master '" + sentinel.masterName() + "'")
        : Future.succeededFuture(hostPort(reply)))
      .onSuccess(address -> preferredSentinel = index)
      .recover(error -> {
        LOG.log(System.Logger.Level.DEBUG, "Sentinel " + sentinel.addresses().get(index) + " did not answer: " + error.getMessage());
        return askSentinel(attempt + 1, RedisErrors.isTls(error) ? error : tlsFailure);
      });
  }

  private static String hostPort(Response reply) {
    String host = reply.get(0).toString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + reply.get(1).toString();
  }

  private Redis useMasterAt(String address) {
    if (address.equals(masterAddress) && master != null) {
      return master;
    }
    LOG.log(System.Logger.Level.INFO, "Redis master '" + sentinel.masterName() + "' is at " + address
      + (masterAddress == null ? "" : " (was " + masterAddress + ")"));
    Redis previous = master;
    master = Redis.createClient(vertx, RedisMasters.masterOptions(address, config));
    masterAddress = address;
    changes++;
    if (previous != null) {
      // a move (the first address found is none)
      metrics.masterChanged();
      // the shared connection still points at the old master: the next command opens one to the new
      commands.close();
      previous.close();
    }
    return master;
  }
}
