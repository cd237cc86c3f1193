package io.isp.lock.client;

import io.isp.lock.api.ForceReleased;
import io.isp.lock.api.ListQuery;
import io.isp.lock.api.LockAddresses;
import io.isp.lock.api.LockPage;
import io.isp.lock.api.LockException;
import io.isp.lock.api.LockStatus;
import io.isp.lock.api.SemaphoreStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
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
 */
public final class LockClient {

  /** Longest wait the service accepts by default ({@code lock.maxWaitTimeout}); bounds a default-wait reply. */
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(300);
  /** Beyond the wait, time for a couple of Redis calls and the trip across the cluster. */
  private static final Duration REPLY_MARGIN = Duration.ofSeconds(10);

  private final Vertx vertx;

  private LockClient(Vertx vertx) {
    this.vertx = vertx;
  }

  public static LockClient create(Vertx vertx) {
    return new LockClient(vertx);
  }

  /** Locks {@code key} for {@code ttl}, waiting at most {@code waitTimeout} (zero: try once). */
  public Future<Lock> lock(String key, Duration ttl, Duration waitTimeout) {
    JsonObject body = new JsonObject().put("key", key).put("ttl", seconds(ttl));
    if (waitTimeout != null) {
      body.put("waitTimeout", seconds(waitTimeout));
    }
    return request(LockAddresses.LOCK, body, waitTimeout == null ? LONGEST_WAIT : waitTimeout)
      .map(reply -> Lock.from(this, key, reply));
  }

  /** Locks only if free now; fails with {@code lock_held} otherwise. */
  public Future<Lock> tryLock(String key, Duration ttl) {
    return lock(key, ttl, Duration.ZERO);
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

  /**
   * Runs {@code action} holding the lock and always unlocks, whether the action succeeds, fails or
   * throws. If the action succeeded but the lock was no longer ours when unlocking (it expired during
   * the action: someone else may have run concurrently), the result is that {@code not_held} /
   * {@code not_owner} failure, not the action's value.
   */
  public <T> Future<T> withLock(String key, Duration ttl, Duration waitTimeout, Supplier<Future<T>> action) {
    return lock(key, ttl, waitTimeout).compose(lock -> {
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

  Future<JsonObject> request(String address, JsonObject body, Duration wait) {
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(wait.plus(REPLY_MARGIN).toMillis());
    return vertx.eventBus().<JsonObject>request(address, body, delivery)
      .map(Message::body)
      .recover(error -> Future.failedFuture(error instanceof ReplyException reply ? LockException.fromReply(reply) : error));
  }

  static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
