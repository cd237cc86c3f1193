package io.isp.lock.api;

import io.vertx.core.json.JsonObject;

/**
 * A lock that was granted (or extended): the owner token ({@code lockKey}, the only thing that
 * unlocks or extends it), the fencing token, and the TTL granted.
 *
 * @param fencingToken null only when extending a lock that a client of the original service took (it issues none)
 */
public record LockGrant(String key, String lockKey, long ttlMs, Long fencingToken) {

  /** The HTTP and event-bus body; the key is not repeated (the caller named it). */
  public JsonObject toJson() {
    return new JsonObject()
      .put("lockKey", lockKey)
      .put("fencingToken", fencingToken)
      .put("ttl", Seconds.of(ttlMs));
  }

  /** Reads a reply body of the lock or extend address for {@code key}. */
  public static LockGrant fromJson(String key, JsonObject json) {
    return new LockGrant(key, json.getString("lockKey"), Seconds.toMillis(json.getNumber("ttl")), json.getLong("fencingToken"));
  }
}
