package io.isp.lock.client;

import io.isp.lock.api.LockException;
import io.isp.lock.api.MultiLockCommand;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * A held lock on several keys, as {@link LockClient#lockAll} hands it out: one lockKey and one
 * fencing token for the whole set. Like {@link Lock}, immutable; the values {@link #extend} returns
 * share one grant (its renewals, its {@link #onLost} handlers, {@link #unlock()}).
 */
public final class MultiLock {

  private final Hold hold;
  private final List<String> keys;
  private final String lockKey;
  private final long fencingToken;
  private final Duration ttl;

  private MultiLock(Hold hold, List<String> keys, JsonObject reply) {
    this.hold = hold;
    this.keys = keys;
    this.lockKey = reply.getString("lockKey");
    this.fencingToken = Lock.fencingToken(reply);
    this.ttl = Lock.ttl(reply);
  }

  /** The set a lock call granted at {@code grantedAtNanos}: a new grant, renewed from then on if kept alive. */
  static MultiLock granted(LockClient client, List<String> keys, JsonObject reply, LockOptions options, long grantedAtNanos) {
    Hold hold = new Hold(client, new JsonObject().put("keys", new JsonArray(keys)), MultiLockCommand.describe(keys),
      reply.getString("lockKey"), Lock.ttl(reply), grantedAtNanos,
      options.keepAlive());
    hold.start(grantedAtNanos);
    return new MultiLock(hold, keys, reply);
  }

  Hold hold() {
    return hold;
  }

  public List<String> keys() {
    return keys;
  }

  /** The owner token of the whole set; only it unlocks or extends. */
  public String lockKey() {
    return lockKey;
  }

  /** Larger than the token of every earlier holder of each of the keys; the same on all of them. */
  public long fencingToken() {
    return fencingToken;
  }

  /** The TTL granted to every key, counted from the grant (or the extend that returned this value). */
  public Duration ttl() {
    return ttl;
  }

  public boolean keptAlive() {
    return hold.keepAlive();
  }

  /** As {@link Lock#onLost}: once, when a renewal or an extend finds the set no longer wholly this lockKey's. */
  public MultiLock onLost(Handler<LockException> handler) {
    hold.onLost(handler);
    return this;
  }

  /** Releases every key of the set and stops the renewals; fails with {@code not_held} / {@code not_owner} if it held none. */
  public Future<Void> unlock() {
    return hold.unlock().mapEmpty();
  }

  /** Sets the remaining TTL of every key to {@code newTtl}; fails ({@code not_held}, {@code not_owner}) unless it holds them all. */
  public Future<MultiLock> extend(Duration newTtl) {
    return hold.extend(newTtl).map(reply -> new MultiLock(hold, keys, reply));
  }

  @Override
  public String toString() {
    return "MultiLock[" + keys + ", fencingToken=" + fencingToken + ", ttl=" + ttl + (keptAlive() ? ", kept alive" : "") + "]";
  }
}
