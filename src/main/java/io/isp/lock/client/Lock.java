package io.isp.lock.client;

import io.isp.lock.api.LockAddresses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** A held lock, as {@link LockClient} hands it out. Immutable: {@link #extend} returns the renewed lock. */
public final class Lock {

  private final LockClient client;
  private final String key;
  private final String lockKey;
  private final long fencingToken;
  private final Duration ttl;

  private Lock(LockClient client, String key, String lockKey, long fencingToken, Duration ttl) {
    this.client = client;
    this.key = key;
    this.lockKey = lockKey;
    this.fencingToken = fencingToken;
    this.ttl = ttl;
  }

  static Lock from(LockClient client, String key, JsonObject reply) {
    Long fencingToken = reply.getLong("fencingToken");
    return new Lock(client, key, reply.getString("lockKey"), fencingToken == null ? -1 : fencingToken,
      Duration.ofMillis(Math.round(reply.getDouble("ttl") * 1000)));
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

  /** The TTL granted, counted from when the lock (or the last extend) was granted. */
  public Duration ttl() {
    return ttl;
  }

  public Future<Void> unlock() {
    return client.request(LockAddresses.UNLOCK, new JsonObject().put("key", key).put("lockKey", lockKey), Duration.ZERO)
      .mapEmpty();
  }

  /** Sets the remaining TTL to {@code newTtl}; fails with {@code not_held} if it already expired. */
  public Future<Lock> extend(Duration newTtl) {
    return client.request(LockAddresses.EXTEND, new JsonObject().put("key", key).put("lockKey", lockKey)
        .put("ttl", LockClient.seconds(newTtl)), Duration.ZERO)
      .map(reply -> Lock.from(client, key, reply));
  }

  @Override
  public String toString() {
    return "Lock[" + key + ", fencingToken=" + fencingToken + ", ttl=" + ttl + "]";
  }
}
