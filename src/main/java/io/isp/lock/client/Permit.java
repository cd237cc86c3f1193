package io.isp.lock.client;

import io.isp.lock.api.LockAddresses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * A held permit of a semaphore, as {@link LockClient#acquirePermit} hands it out. Immutable:
 * {@link #extend} returns the renewed permit.
 */
public final class Permit {

  private final LockClient client;
  private final String key;
  private final String lockKey;
  private final long fencingToken;
  private final Duration ttl;
  private final int holders;

  private Permit(LockClient client, String key, String lockKey, long fencingToken, Duration ttl, int holders) {
    this.client = client;
    this.key = key;
    this.lockKey = lockKey;
    this.fencingToken = fencingToken;
    this.ttl = ttl;
    this.holders = holders;
  }

  static Permit from(LockClient client, String key, JsonObject reply, int holders) {
    return new Permit(client, key, reply.getString("lockKey"), Lock.fencingToken(reply), Lock.ttl(reply), holders);
  }

  /** The semaphore's key. */
  public String key() {
    return key;
  }

  /** The owner token; only it releases or extends this permit. */
  public String lockKey() {
    return lockKey;
  }

  /** Larger than the token of every permit granted before under this key. */
  public long fencingToken() {
    return fencingToken;
  }

  /** The TTL granted, counted from when the permit (or the last extend) was granted. */
  public Duration ttl() {
    return ttl;
  }

  /** Permits held right after this one was taken, this one included. */
  public int holders() {
    return holders;
  }

  /** Gives the permit back; one waiter gets it. */
  public Future<Void> release() {
    return client.request(LockAddresses.SEMAPHORE_RELEASE, new JsonObject().put("key", key).put("lockKey", lockKey),
      Duration.ZERO).mapEmpty();
  }

  /** Sets the permit's remaining TTL to {@code newTtl}; fails with {@code not_held} / {@code not_owner} if it expired. */
  public Future<Permit> extend(Duration newTtl) {
    return client.request(LockAddresses.SEMAPHORE_EXTEND, new JsonObject().put("key", key).put("lockKey", lockKey)
        .put("ttl", LockClient.seconds(newTtl)), Duration.ZERO)
      .map(reply -> Permit.from(client, key, reply, holders));
  }

  @Override
  public String toString() {
    return "Permit[" + key + ", fencingToken=" + fencingToken + ", ttl=" + ttl + "]";
  }
}
