package io.isp.lock.engine;

import io.isp.lock.api.ExtendCommand;
import io.isp.lock.api.ForceReleased;
import io.isp.lock.api.ForceUnlockCommand;
import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockPage;
import io.isp.lock.api.LocalCodec;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockCommand;
import io.isp.lock.api.LockGrant;
import io.isp.lock.api.LockRequests;
import io.isp.lock.api.LockStatus;
import io.isp.lock.api.MultiExtendCommand;
import io.isp.lock.api.MultiLockCommand;
import io.isp.lock.api.MultiLockGrant;
import io.isp.lock.api.MultiUnlockCommand;
import io.isp.lock.api.PermitGrant;
import io.isp.lock.api.Released;
import io.isp.lock.api.SemaphoreCommand;
import io.isp.lock.api.SemaphoreStatus;
import io.isp.lock.api.StatusQuery;
import io.isp.lock.api.UnlockCommand;
import io.isp.lock.config.ServiceConfig;
import io.isp.lock.metrics.LockMetrics;
import io.isp.lock.metrics.Primitive;
import io.isp.lock.redis.RedisErrors;
import io.isp.lock.redis.RedisMaster;
import io.isp.lock.redis.RedisMasters;
import io.isp.lock.redis.ClusterMaster;
import io.isp.lock.redis.ReleaseNotices;
import io.isp.lock.redis.ReleaseSubscriber;
import io.isp.lock.redis.ShardedReleaseSubscriber;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Owns the Redis client and serves the lock addresses (see {@link LockEndpoints}) with
 * {@link WaitQueues}. One instance per process: waiters for a key must share one queue to be served
 * in order.
 */
public final class LockVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(LockVerticle.class.getName());
  private static final long READY_PING_TIMEOUT_MS = 1000;

  private final ServiceConfig config;
  private final LockMetrics metrics;
  private final LockRequests requests;
  private RedisMaster master;
  private RedisLockStore store;
  private WaitQueues queues;
  private ReleaseNotices subscriber;
  private LockEndpoints endpoints;
  private WaiterCounts waiterCounts;
  private SemaphoreQueues semaphores;
  private WaiterCounts permitWaiterCounts;
  private MultiKeyWaits multiKeys;

  public LockVerticle(ServiceConfig config) {
    this(config, LockMetrics.NONE);
  }

  /** {@code metrics}: the {@code isp_lock_*} meters, recorded by the engine and the Redis layer. */
  public LockVerticle(ServiceConfig config, LockMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.requests = new LockRequests(config.lock(), config.redis().defaultTtl());
  }

  /**
   * While calls wait, Redis is PINGed at this period (at most 250 ms, at most half the command
   * timeout), so that a waiter hears of an outage within about the command timeout.
   */
  static long probePeriodMs(long commandTimeoutMs) {
    return Math.max(50, Math.min(250, commandTimeoutMs / 2));
  }

  @Override
  public Future<?> start() {
    LocalCodec.register(vertx);
    master = RedisMasters.create(vertx, config.redis(), metrics);
    store = new RedisLockStore(master, config.redis(), metrics);
    Timers timers = Timers.of(vertx);
    waiterCounts = new WaiterCounts(store, timers, this::lockWaitersByKey);
    queues = new WaitQueues(store, timers, probePeriodMs(config.redis().commandTimeout().toMillis()), () -> {
      waiterCounts.wake();
      subscriber.waitersChanged();
    }, metrics);
    permitWaiterCounts = new WaiterCounts(store::publishPermitWaiters, timers, () -> semaphores.waitingByKey());
    semaphores = new SemaphoreQueues(store, timers, probePeriodMs(config.redis().commandTimeout().toMillis()), () -> {
      permitWaiterCounts.wake();
      subscriber.waitersChanged();
    }, metrics);
    multiKeys = new MultiKeyWaits(store, timers, probePeriodMs(config.redis().commandTimeout().toMillis()), () -> {
      waiterCounts.wake();
      subscriber.waitersChanged();
    }, metrics);
    LockAdmin admin = new LockAdmin(store);
    subscriber = master instanceof ClusterMaster cluster
      ? new ShardedReleaseSubscriber(vertx, cluster, store::shardedChannel, this::waitedSlots, this::released,
        slot -> recheck(key -> store.slotOf(key) == slot))
      : new ReleaseSubscriber(vertx, master, store.channel(), this::released, () -> recheck(key -> true));
    EventBus bus = vertx.eventBus();
    endpoints = new LockEndpoints(bus, metrics);
    return checkRedis().compose(ready -> {
      subscriber.start();
      return Future.all(List.of(
        endpoints.serve(LockAddresses.LOCK, "lock", requests::lockOrMultiLock, List.of(
          new LockEndpoints.Variant<>(Primitive.LOCK, LockCommand.class,
            (command, caller) -> queues.lock(command, caller.requestId()), LockGrant::toJson, WaitQueues::primitiveOf),
          new LockEndpoints.Variant<>(Primitive.MULTI_LOCK, MultiLockCommand.class,
            (command, caller) -> multiKeys.lock(command, caller.requestId()), MultiLockGrant::toJson))),
        endpoints.serve(LockAddresses.UNLOCK, "unlock", requests::unlockOrMultiUnlock, List.of(
          new LockEndpoints.Variant<>(Primitive.LOCK, UnlockCommand.class, (command, caller) -> queues.unlock(command),
            Released::toJson),
          new LockEndpoints.Variant<>(Primitive.MULTI_LOCK, MultiUnlockCommand.class,
            (command, caller) -> multiKeys.unlock(command), Released::toJson))),
        endpoints.serve(LockAddresses.EXTEND, "extend", requests::extendOrMultiExtend, List.of(
          new LockEndpoints.Variant<>(Primitive.LOCK, ExtendCommand.class, (command, caller) -> queues.extend(command),
            LockGrant::toJson),
          new LockEndpoints.Variant<>(Primitive.MULTI_LOCK, MultiExtendCommand.class,
            (command, caller) -> multiKeys.extend(command), MultiLockGrant::toJson))),
        endpoints.serve(LockAddresses.STATUS, Primitive.LOCK, "status", StatusQuery.class, requests::status,
          (query, caller) -> queues.status(query), LockStatus::toJson),
        endpoints.serve(LockAddresses.SEMAPHORE_ACQUIRE, Primitive.SEMAPHORE, "semaphore_acquire", SemaphoreCommand.class,
          requests::semaphoreAcquire, (command, caller) -> semaphores.acquire(command, caller.requestId()),
          PermitGrant::toJson),
        endpoints.serve(LockAddresses.SEMAPHORE_RELEASE, Primitive.SEMAPHORE, "semaphore_release", UnlockCommand.class, requests::unlock,
          (command, caller) -> semaphores.release(command), Released::toJson),
        endpoints.serve(LockAddresses.SEMAPHORE_EXTEND, Primitive.SEMAPHORE, "semaphore_extend", ExtendCommand.class, requests::extend,
          (command, caller) -> semaphores.extend(command), LockGrant::toJson),
        endpoints.serve(LockAddresses.SEMAPHORE_STATUS, Primitive.SEMAPHORE, "semaphore_status", StatusQuery.class, requests::status,
          (query, caller) -> semaphores.status(query), SemaphoreStatus::toJson),
        endpoints.serve(LockAddresses.FORCE_UNLOCK, Primitive.LOCK, "force_unlock", ForceUnlockCommand.class, requests::forceUnlock,
          (command, caller) -> admin.forceUnlock(command, caller.actor()), ForceReleased::toJson),
        endpoints.serve(LockAddresses.LIST, Primitive.LOCK, "list", ListQuery.class, requests::list,
          (query, caller) -> admin.list(query), LockPage::toJson),
        bus.<JsonObject>consumer(LockAddresses.CANCEL, message -> cancel(message.body())).completion(),
        bus.consumer(LockAddresses.READY, message -> ready()
          .onSuccess(message::reply).onFailure(error -> message.fail(503, error.getMessage()))).completion(),
        bus.localConsumer(LockAddresses.READY_LOCAL, message -> ready()
          .onSuccess(message::reply).onFailure(error -> message.fail(503, error.getMessage()))).completion()));
    });
  }

  /** Answers waiters 503, lets calls already sent to Redis finish (bounded), then closes Redis. */
  @Override
  public Future<?> stop() {
    queues.stop();
    multiKeys.stop();
    semaphores.stop();
    waiterCounts.stop();
    permitWaiterCounts.stop();
    return endpoints.drained(config.redis().commandTimeout().toMillis())
      .compose(v -> subscriber.close())
      .eventually(master::close);
  }

  /**
   * Wrong credentials and a failed TLS handshake are configuration errors worth failing start-up
   * for; an unreachable Redis is not: the service starts unready and recovers when Redis comes. With
   * TLS the connections are opened first, with time for a handshake (a cold JVM's first one can take
   * longer than the command timeout that bounds loading the scripts), so that its outcome is known.
   */
  private Future<Void> checkRedis() {
    Future<Void> connected = config.redis().tls().enabled() ? master.openConnections() : Future.succeededFuture();
    return connected.compose(v -> store.loadScripts()).recover(error -> {
      if (RedisErrors.isTls(error)) {
        return Future.failedFuture(new IllegalStateException("TLS with Redis (" + master.describe() + ") failed: "
          + RedisErrors.tlsFailure(error).orElseThrow().getMessage() + ". Check redis.tls.caPath (the CA that"
          + " signed Redis's certificate; unset: the JVM's default trust), redis.tls.verifyHostname (the certificate"
          + " must name the host or IP address Redis is reached by) and redis.tls.certPath/keyPath (if Redis asks"
          + " for a client certificate)", error));
      }
      if (RedisErrors.isAuthentication(error)) {
        return Future.failedFuture(new IllegalStateException("Redis rejected our credentials ("
          + (config.redis().sentinel().isPresent() ? "redis.sentinel.username/password or " : "")
          + "redis.userName/redis.password): " + error.getMessage()));
      }
      LOG.log(System.Logger.Level.WARNING, "Redis (" + master.describe() + ") is not reachable yet: "
        + withRootCause(error) + "; starting unready, will keep trying");
      return Future.succeededFuture();
    });
  }

  /** "Failed to create SSL connection (handshake timed out after 10000ms)": the outer message alone may not say why. */
  private static String withRootCause(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == error || root.getMessage() == null || root.getMessage().equals(error.getMessage())
      ? error.getMessage() : error.getMessage() + " (" + root.getMessage() + ")";
  }

  /** The slots of the keys calls wait on here (cluster mode: the sharded channels to hear). */
  private Set<Integer> waitedSlots() {
    Set<Integer> slots = new HashSet<>();
    lockWaitersByKey().keySet().forEach(key -> slots.add(store.slotOf(key)));
    semaphores.waitingByKey().keySet().forEach(key -> slots.add(store.slotOf(key)));
    return slots;
  }

  /** The calls waiting for each key here, on it alone or in a set (what status counts as waiting for the key). */
  private Map<String, Integer> lockWaitersByKey() {
    Map<String, Integer> counts = queues.waitingByKey();
    multiKeys.waitingByKey().forEach((key, count) -> counts.merge(key, count, Integer::sum));
    return counts;
  }

  private void cancel(JsonObject body) {
    if (body != null && body.getValue("requestId") instanceof String requestId) {
      queues.cancel(requestId);
      multiKeys.cancel(requestId);
      semaphores.cancel(requestId);
    }
  }

  /** A release notice carries the user's key: a lock's (alone or in a set) or a semaphore's of that name (they share the channel). */
  private void released(String key) {
    queues.released(key);
    multiKeys.released(key);
    semaphores.released(key);
  }

  /** Notices for the keys {@code keys} accepts may have been missed: their waiters look again. */
  private void recheck(Predicate<String> keys) {
    queues.recheck(keys);
    multiKeys.recheck(keys);
    semaphores.recheck(keys);
  }

  private Future<JsonObject> ready() {
    return store.ping(READY_PING_TIMEOUT_MS)
      .map(v -> new JsonObject()
        .put("redis", master.describe())
        .put("releaseNotices", subscriber.isSubscribed())
        .put("waiters", queues.waiting() + multiKeys.waiting() + semaphores.waiting()));
  }
}
