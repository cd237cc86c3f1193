package io.isp.lock.client;

import io.isp.lock.api.LockException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * A held lock, as {@link LockClient} hands it out. Its values are immutable: {@link #extend}
 * returns the renewed lock. The values that {@code extend} returns share one grant: its renewals
 * (with {@link LockOptions#KEEP_ALIVE}), its {@link #onLost} handlers, and {@link #unlock()}.
 */
public final class Lock {

  private final Hold hold;
  private final String key;
  private final String lockKey;
  private final long fencingToken;
  private final Duration ttl;

  private Lock(Hold hold, String key, String lockKey, long fencingToken, Duration ttl) {
    this.hold = hold;
    this.key = key;
    this.lockKey = lockKey;
    this.fencingToken = fencingToken;
    this.ttl = ttl;
  }

  /** The lock a lock call granted at {@code grantedAtNanos} (sent then): a new grant, renewed from then on if kept alive. */
  static Lock granted(LockClient client, String key, JsonObject reply, LockOptions options, long grantedAtNanos) {
    String lockKey = reply.getString("lockKey");
    Duration ttl = ttl(reply);
    Lock lock = new Lock(new Hold(client, key, lockKey, ttl, grantedAtNanos, options.keepAlive()), key, lockKey,
      fencingToken(reply), ttl);
    lock.hold.start(grantedAtNanos);
    return lock;
  }

  Hold hold() {
    return hold;
  }

  /** A grant's or an extend's {@code ttl} (seconds) as a Duration; shared by every handle of a grant. */
  static Duration ttl(JsonObject reply) {
    return Duration.ofMillis(Math.round(reply.getDouble("ttl") * 1000));
  }

  /** A grant's {@code fencingToken}; -1 when the reply has none (a lock set without one). */
  static long fencingToken(JsonObject reply) {
    Long fencingToken = reply.getLong("fencingToken");
    return fencingToken == null ? -1 : fencingToken;
  }

  public String key() {
    return key;
  }

  /** The owner token; only it unlocks or extends. */
  public String lockKey() {
    return lockKey;
  }

  /** Larger than the token of every earlier holder of this key: hand it to storage that fences writes. */
  public long fencingToken() {
    return fencingToken;
  }

  /**
   * The TTL granted, counted from when the lock (or the extend that returned this value) was
   * granted. A kept-alive lock is renewed to it at about a third of it.
   */
  public Duration ttl() {
    return ttl;
  }

  /** Whether the client renews this lock until it is unlocked ({@link LockOptions#KEEP_ALIVE}). */
  public boolean keptAlive() {
    return hold.keepAlive();
  }

  /**
   * Calls {@code handler} once, on the client's context, when a renewal or an {@link #extend} finds
   * the lock gone: it expired (the holder paused, or Redis lost it), or an operator force-unlocked
   * it ({@code not_held}), or someone else holds it now ({@code not_owner}). The renewals stop then;
   * the holder should stop writing to what the lock protects. Registered after the loss, it is
   * called at once. Never called after {@link #unlock()} or when the client closes.
   *
   * @return this lock, for chaining
   */
  public Lock onLost(Handler<LockException> handler) {
    hold.onLost(handler);
    return this;
  }

  /** Releases the lock and stops its renewals; fails with {@code not_held} / {@code not_owner} if it was no longer ours. */
  public Future<Void> unlock() {
    return hold.unlock().mapEmpty();
  }

  /**
   * Sets the remaining TTL to {@code newTtl} (a kept-alive lock is then renewed to it); fails with
   * {@code not_held} if it already expired, and then calls the {@link #onLost} handlers.
   */
  public Future<Lock> extend(Duration newTtl) {
    return hold.extend(newTtl).map(reply -> new Lock(hold, key, lockKey, fencingToken(reply), ttl(reply)));
  }

  @Override
  public String toString() {
    return "Lock[" + key + ", fencingToken=" + fencingToken + ", ttl=" + ttl + (keptAlive() ? ", kept alive" : "") + "]";
  }
}
