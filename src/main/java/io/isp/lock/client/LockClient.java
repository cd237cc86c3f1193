package io.isp.lock.client;

import io.isp.lock.api.ForceReleased;
import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockMode;
import io.isp.lock.api.LockPage;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockStatus;
import io.isp.lock.api.SemaphoreStatus;
import io.vertx.core.Closeable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A typed client for verticles that run beside the LockVerticle, in the same JVM or anywhere in a
 * Vert.x cluster: it speaks the event-bus API. Failures are {@link LockException}s; switch on
 * {@link LockException#error()}.
 *
 * <pre>{@code
 * LockClient locks = LockClient.create(vertx);
 * locks.withLock("invoice-42", Duration.ofSeconds(10), () -> storage.write(invoice));
 * }</pre>
 *
 * <p>Created on a verticle's context (in its {@code start}), the client belongs to that verticle:
 * when the verticle is undeployed, the client closes ({@link #close()}), unlocking every lock it
 * still holds, so that the next holder gets them at once instead of at their TTL.
 */
public final class LockClient {

  /** Longest wait the service accepts by default ({@code lock.maxWaitTimeout}); bounds a default-wait reply. */
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(300);
  /** Beyond the wait, time for a couple of Redis calls and the trip across the cluster. */
  private static final Duration REPLY_MARGIN = Duration.ofSeconds(10);

  /** Held locks are pruned of expired ones when their count has doubled since the last pruning. */
  private static final int FIRST_PRUNE_AT = 64;

  private final Vertx vertx;
  /** The verticle's context the client was created on (its renewals and onLost handlers run there), or a context of its own. */
  private final ContextInternal context;
  /** Registered on a verticle's context: undeploying the verticle closes the client. Null when created elsewhere. */
  private final Closeable closeHook;
  /** The grants this client may still hold: what {@link #close()} unlocks. */
  private final Set<Hold> holds = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile int pruneAt = FIRST_PRUNE_AT;

  private LockClient(Vertx vertx) {
    this.vertx = vertx;
    ContextInternal current = (ContextInternal) Vertx.currentContext();
    if (current != null && current.owner() == vertx && current.deploymentID() != null) {
      this.context = current;
      // as Vert.x's own clients do: a close hook on the deployment's context runs when it is undeployed
      this.closeHook = completion -> close().onComplete(ignored -> completion.succeed());
      current.addCloseHook(closeHook);
    } else {
      this.context = (ContextInternal) vertx.getOrCreateContext();
      this.closeHook = null;
    }
  }

  /**
   * A client on {@code vertx}. Called in a verticle (its {@code start}), the client closes when that
   * verticle is undeployed, releasing its locks; elsewhere, call {@link #close()} when done.
   */
  public static LockClient create(Vertx vertx) {
    return new LockClient(vertx);
  }

  /** Locks {@code key} for {@code ttl}, waiting at most {@code waitTimeout} (zero: try once; null: the service's default). */
  public Future<Lock> lock(String key, Duration ttl, Duration waitTimeout) {
    return lock(key, ttl, waitTimeout, LockOptions.DEFAULT);
  }

  /**
   * Locks {@code key} for {@code ttl}, waiting at most {@code waitTimeout} (zero: try once; null: the
   * service's default), taken and held as {@code options} say: {@link LockOptions#KEEP_ALIVE} renews it
   * until it is unlocked, {@link LockOptions#READ} takes a read lock (shared with other readers).
   */
  public Future<Lock> lock(String key, Duration ttl, Duration waitTimeout, LockOptions options) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("LockClient closed"));
    }
    JsonObject body = new JsonObject().put("key", key).put("ttl", seconds(ttl));
    if (waitTimeout != null) {
      body.put("waitTimeout", seconds(waitTimeout));
    }
    if (options.mode() == LockMode.READ) {
      body.put("mode", options.mode().text());
    }
    return request(LockAddresses.LOCK, body, waitTimeout == null ? LONGEST_WAIT : waitTimeout)
      // the TTL runs from the grant, just before the reply: renewals are due a third of the TTL after the reply
      .compose(reply -> {
        Lock lock = Lock.granted(this, key, reply, options, System.nanoTime());
        return granted(lock.hold(), lock);
      });
  }

  /** {@link #lockAll(List, Duration, Duration, LockOptions)} with {@link LockOptions#DEFAULT}. */
  public Future<MultiLock> lockAll(List<String> keys, Duration ttl, Duration waitTimeout) {
    return lockAll(keys, ttl, waitTimeout, LockOptions.DEFAULT);
  }

  /**
   * Locks all of {@code keys} (1..64, distinct) at once under one lockKey, or none: waits at most
   * {@code waitTimeout} (zero: try once; null: the service's default) until every one is free, never
   * holding some while waiting for others. With Redis Cluster the keys must share a hash slot (a
   * common {@code {hash tag}}), else {@code cross_slot}.
   */
  public Future<MultiLock> lockAll(List<String> keys, Duration ttl, Duration waitTimeout, LockOptions options) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("LockClient closed"));
    }
    List<String> named = List.copyOf(keys);
    JsonObject body = new JsonObject().put("keys", new JsonArray(named)).put("ttl", seconds(ttl));
    if (waitTimeout != null) {
      body.put("waitTimeout", seconds(waitTimeout));
    }
    return request(LockAddresses.LOCK, body, waitTimeout == null ? LONGEST_WAIT : waitTimeout)
      .compose(reply -> {
        MultiLock lock = MultiLock.granted(this, named, reply, options, System.nanoTime());
        return granted(lock.hold(), lock);
      });
  }

  /** Locks only if free now; fails with {@code lock_held} otherwise. */
  public Future<Lock> tryLock(String key, Duration ttl) {
    return lock(key, ttl, Duration.ZERO);
  }

  /** Locks only if free now, held as {@code options} say; fails with {@code lock_held} otherwise. */
  public Future<Lock> tryLock(String key, Duration ttl, LockOptions options) {
    return lock(key, ttl, Duration.ZERO, options);
  }

  /**
   * Takes one of the {@code permits} permits of the semaphore {@code key} for {@code ttl}, waiting at
   * most {@code waitTimeout} (zero: try once; null: the service's default). Every caller must give the
   * same {@code permits}: another size fails with {@code permits_mismatch}; all permits held with
   * {@code lock_held}.
   */
  public Future<Permit> acquirePermit(String key, int permits, Duration ttl, Duration waitTimeout) {
    JsonObject body = new JsonObject().put("key", key).put("permits", permits).put("ttl", seconds(ttl));
    if (waitTimeout != null) {
      body.put("waitTimeout", seconds(waitTimeout));
    }
    return request(LockAddresses.SEMAPHORE_ACQUIRE, body, waitTimeout == null ? LONGEST_WAIT : waitTimeout)
      .map(reply -> Permit.from(this, key, reply, reply.getInteger("holders")));
  }

  /** The semaphore's size, holders and waiters. */
  public Future<SemaphoreStatus> semaphoreStatus(String key) {
    return request(LockAddresses.SEMAPHORE_STATUS, new JsonObject().put("key", key), Duration.ZERO)
      .map(SemaphoreStatus::fromJson);
  }

  public Future<LockStatus> status(String key) {
    return request(LockAddresses.STATUS, new JsonObject().put("key", key), Duration.ZERO).map(LockStatus::fromJson);
  }

  /**
   * A page of held locks whose keys start with {@code prefix} (literally), at most {@code limit}
   * (1..1000), from {@code cursor} (null: the first page). Go on while {@link LockPage#cursor()} is
   * not null; a page may hold fewer locks than asked for while more follow.
   */
  public Future<LockPage> list(String prefix, int limit, String cursor) {
    return request(LockAddresses.LIST, new ListQuery(prefix, limit, cursor).toJson(), Duration.ZERO).map(LockPage::fromJson);
  }

  /**
   * For operators: removes the lock on {@code key} whoever holds it; waiters wake as on an unlock,
   * and the old holder's unlock or extend then fails. Fails with {@code not_held} when nothing held it.
   */
  public Future<ForceReleased> forceUnlock(String key) {
    return request(LockAddresses.FORCE_UNLOCK, new JsonObject().put("key", key), Duration.ZERO)
      .map(reply -> ForceReleased.fromJson(key, reply));
  }

  /** {@link #withLock(String, Duration, Duration, Supplier)} with the service's default wait. */
  public <T> Future<T> withLock(String key, Duration ttl, Supplier<Future<T>> action) {
    return withLock(key, ttl, null, action);
  }

  /** {@link #withLock(String, Duration, Duration, LockOptions, Supplier)} with {@link LockOptions#DEFAULT}. */
  public <T> Future<T> withLock(String key, Duration ttl, Duration waitTimeout, Supplier<Future<T>> action) {
    return withLock(key, ttl, waitTimeout, LockOptions.DEFAULT, action);
  }

  /**
   * Runs {@code action} holding the lock and always unlocks, whether the action succeeds, fails or
   * throws. If the action succeeded but the lock was no longer ours when unlocking (it expired during
   * the action: someone else may have run concurrently), the result is that {@code not_held} /
   * {@code not_owner} failure, not the action's value. With {@link LockOptions#KEEP_ALIVE} the lock
   * is renewed while the action runs, however long it takes.
   */
  public <T> Future<T> withLock(String key, Duration ttl, Duration waitTimeout, LockOptions options,
                                Supplier<Future<T>> action) {
    return lock(key, ttl, waitTimeout, options).compose(lock -> {
      Future<T> result;
      try {
        result = action.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result.transform(outcome -> lock.unlock().transform(unlocked -> {
        if (outcome.succeeded() && unlocked.failed()) {
          return Future.failedFuture(unlocked.cause());
        }
        return outcome.succeeded() ? Future.succeededFuture(outcome.result()) : Future.<T>failedFuture(outcome.cause());
      }));
    });
  }

  /**
   * Stops every renewal and unlocks every lock this client still holds; a lock call answered
   * afterwards is unlocked at once and fails. Runs by itself when the verticle the client was
   * created in is undeployed. Completes when the service has answered every unlock (failures,
   * e.g. a lock that had expired, are ignored).
   */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    if (closeHook != null) {
      context.removeCloseHook(closeHook);
    }
    List<Future<?>> unlocks = new ArrayList<>();
    long now = System.nanoTime();
    for (Hold hold : List.copyOf(holds)) {
      if (hold.mayBeHeld(now)) {
        unlocks.add(hold.unlock().otherwiseEmpty());
      } else {
        hold.end();
      }
    }
    holds.clear();
    return Future.join(unlocks).otherwiseEmpty().mapEmpty();
  }

  /** Tracks a new grant ({@code hold}, of {@code lock}) for {@link #close()}; one that arrives after the close is given back at once. */
  private <L> Future<L> granted(Hold hold, L lock) {
    if (closed) {
      return hold.unlock().otherwiseEmpty().compose(ignored -> Future.failedFuture(new IllegalStateException("LockClient closed")));
    }
    holds.add(hold);
    if (holds.size() >= pruneAt) {
      // locks taken without keep-alive and never unlocked expire by themselves: forget those
      long now = System.nanoTime();
      holds.removeIf(held -> !held.mayBeHeld(now));
      pruneAt = Math.max(FIRST_PRUNE_AT, holds.size() * 2);
    }
    if (closed) {
      // closed meanwhile, and close() may have missed it
      holds.remove(hold);
      return hold.unlock().otherwiseEmpty().compose(ignored -> Future.failedFuture(new IllegalStateException("LockClient closed")));
    }
    return Future.succeededFuture(lock);
  }

  void forget(Hold hold) {
    holds.remove(hold);
  }

  <T> Promise<T> promise() {
    return context.promise();
  }

  long setTimer(long delayMs, Handler<Long> handler) {
    return context.setTimer(delayMs, handler);
  }

  void cancelTimer(long timerId) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  Future<JsonObject> request(String address, JsonObject body, Duration wait) {
    return requestWithin(address, body, wait.plus(REPLY_MARGIN));
  }

  /** A request that gives up after {@code timeout} (then a failure, as for a service that is away). */
  Future<JsonObject> requestWithin(String address, JsonObject body, Duration timeout) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    return vertx.eventBus().<JsonObject>request(address, body, delivery)
      .map(Message::body)
      .recover(error -> Future.failedFuture(error instanceof ReplyException reply ? LockException.fromReply(reply) : error));
  }

  static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
